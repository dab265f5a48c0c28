-- Staging: one cleaned row per article, the base of every mart.
create or replace view stg_articles as
with source as (
    select * from articles
),

final as (
    select
        article_id,
        story_id,
        source,
        language,
        title,
        author,
        url,
        published_at,
        fetched_at,
        -- a missing publication time falls back to the fetch time, so every article has a day
        cast(timezone('UTC', coalesce(published_at, fetched_at)) as date) as published_date
    from source
)

select * from final;
