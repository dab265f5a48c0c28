-- Terms worked out ahead for a batch's articles (search.prepare_terms), keyed by the text
-- they came from; article_search takes them instead of working them out again. Temporary:
-- they belong to the load on this connection.
create temp table if not exists prepared_search_terms (
    article_id varchar,
    text_hash varchar,
    terms varchar
);
