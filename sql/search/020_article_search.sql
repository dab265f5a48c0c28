-- One row per article: the terms of its title and body, the input of the full-text index.
-- Kept up to date rather than rebuilt: only an article that is new, or whose title or body
-- changed (text_hash), has its terms worked out again; one that is gone loses its row.
create table if not exists article_search (
    article_id varchar,
    terms varchar,
    text_hash varchar
);

create or replace temp table article_search_texts as
with articles as (
    select * from stg_articles
),

final as (
    select
        article_id,
        coalesce(title, '') || ' ' || body as indexed_text,
        md5(indexed_text) as text_hash
    from articles
)

select * from final;

delete from article_search
where not exists (
    select 1
    from article_search_texts as texts
    where texts.article_id = article_search.article_id
        and texts.text_hash = article_search.text_hash
);

insert into article_search
select
    texts.article_id,
    search_terms(texts.indexed_text) as terms,
    texts.text_hash
from article_search_texts as texts
where not exists (
    select 1 from article_search where article_search.article_id = texts.article_id
);

drop table article_search_texts;
