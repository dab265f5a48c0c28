-- One row per article: the terms of its title and body, the input of the full-text index.
create or replace table article_search as
with articles as (
    select * from stg_articles
),

final as (
    select
        article_id,
        search_terms(coalesce(title, '') || ' ' || body) as terms
    from articles
)

select * from final;
