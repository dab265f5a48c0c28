-- search_articles('query'): articles ranked by BM25 over the full-text index, in plain SQL
-- over the index tables, so read-only readers need no extension (k1 = 1.2, b = 0.75, as the
-- fts extension's match_bm25). matched_terms / query_terms tells how much of the query hit.
create or replace macro search_articles(query_text) as table
with query_terms as (
    select distinct unnest(string_split(search_terms(query_text), ' ')) as term
),

matched as (
    select
        dict.termid,
        dict.df
    from fts_main_article_search.dict as dict
    inner join query_terms on query_terms.term = dict.term
),

term_frequencies as (
    select
        terms.docid,
        terms.termid,
        count(*) as tf
    from fts_main_article_search.terms as terms
    inner join matched on matched.termid = terms.termid
    group by all
),

scored as (
    select
        docs.name as article_id,
        count(*) as matched_terms,
        sum(
            log((stats.num_docs - matched.df + 0.5) / (matched.df + 0.5) + 1)
            * term_frequencies.tf * (1.2 + 1)
            / (term_frequencies.tf + 1.2 * (1 - 0.75 + 0.75 * docs.len / stats.avgdl))
        ) as score
    from term_frequencies
    inner join matched on matched.termid = term_frequencies.termid
    inner join fts_main_article_search.docs as docs on docs.docid = term_frequencies.docid
    cross join fts_main_article_search.stats as stats
    group by all
),

final as (
    select
        scored.article_id,
        round(scored.score, 6) as score,
        scored.matched_terms,
        (select count(*) from query_terms) as query_terms,
        articles.published_date,
        articles.source,
        articles.language,
        articles.title,
        articles.url
    from scored
    inner join stg_articles as articles on articles.article_id = scored.article_id
)

select * from final
order by score desc, article_id;
