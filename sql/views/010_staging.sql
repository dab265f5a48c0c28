-- Staging: the loaded tables cleaned and typed once, one view per table; every mart reads these.

create or replace view stg_articles as
with source as (
    select * from articles
),

final as (
    select
        article_id,
        story_id,
        coalesce(source, '(unknown)') as source,
        language,
        title,
        author,
        url,
        body,
        published_at,
        fetched_at,
        loaded_at,
        -- a missing publication time falls back to the fetch time, so every article has a day
        cast(timezone('UTC', coalesce(published_at, fetched_at)) as date) as published_date
    from source
)

select * from final;

create or replace view stg_entities as
with source as (
    select * from entities
),

final as (
    select
        entity_id,
        name,
        entity_type,
        aliases,
        wikidata_id
    from source
)

select * from final;

create or replace view stg_article_entities as
with source as (
    select * from article_entities
),

final as (
    select
        article_id,
        entity_id,
        mention_count,
        first_offset,
        salience
    from source
)

select * from final;

create or replace view stg_topics as
with source as (
    select * from topics
),

final as (
    select
        topic_id,
        label,
        label_ko,
        parent_topic_id,
        -- a top-level topic is its own parent in reports that group by top level
        coalesce(parent_topic_id, topic_id) as top_topic_id
    from source
)

select * from final;

create or replace view stg_article_topics as
with source as (
    select * from article_topics
),

final as (
    select
        article_id,
        topic_id,
        score
    from source
)

select * from final;

create or replace view stg_fetch_log as
with source as (
    select * from fetch_log
),

final as (
    select
        run_id,
        origin,
        final_url,
        kind,
        coalesce(source, '(unknown)') as source,
        status,
        http_status,
        reason,
        fetched_at,
        -- feeds and sitemaps are listings of pages, not pages
        kind not in ('feed', 'sitemap') as is_page
    from source
)

select * from final;
