-- Marts analysts and BI tools query; their columns are part of the contract once documented.

create or replace view daily_entity_mentions as
with mentions as (
    select
        a.published_date,
        e.entity_id,
        e.name,
        e.entity_type,
        ae.mention_count,
        ae.salience
    from article_entities as ae
    inner join stg_articles as a on a.article_id = ae.article_id
    inner join entities as e on e.entity_id = ae.entity_id
),

final as (
    select
        published_date as day,
        entity_id,
        name,
        entity_type,
        count(*) as articles,
        sum(mention_count) as mentions,
        round(avg(salience), 4) as avg_salience
    from mentions
    group by all
)

select * from final;

create or replace view entity_cooccurrence as
with pairs as (
    select
        a.published_date,
        left_side.entity_id as entity_a,
        right_side.entity_id as entity_b,
        left_side.article_id
    from article_entities as left_side
    inner join article_entities as right_side
        on left_side.article_id = right_side.article_id
        and left_side.entity_id < right_side.entity_id
    inner join stg_articles as a on a.article_id = left_side.article_id
),

final as (
    select
        pairs.published_date as day,
        pairs.entity_a,
        ea.name as name_a,
        pairs.entity_b,
        eb.name as name_b,
        count(distinct pairs.article_id) as articles
    from pairs
    inner join entities as ea on ea.entity_id = pairs.entity_a
    inner join entities as eb on eb.entity_id = pairs.entity_b
    group by all
)

select * from final;

create or replace view topic_daily as
with scored as (
    select
        a.published_date,
        t.topic_id,
        t.label,
        t.parent_topic_id,
        art.score
    from article_topics as art
    inner join stg_articles as a on a.article_id = art.article_id
    inner join topics as t on t.topic_id = art.topic_id
),

final as (
    select
        published_date as day,
        topic_id,
        label,
        parent_topic_id,
        count(*) as articles,
        round(sum(score), 4) as score_sum
    from scored
    group by all
)

select * from final;

create or replace view source_stats as
with fetches as (
    select
        coalesce(source, '(unknown)') as source,
        count(*) filter (where status = 'ok') as fetched_ok,
        count(*) filter (where status <> 'ok') as failures,
        max(fetched_at) as last_fetched_at
    from fetch_log
    where kind not in ('feed', 'sitemap')
    group by all
),

loaded as (
    select
        coalesce(source, '(unknown)') as source,
        count(*) as articles,
        median(epoch(loaded_at) - epoch(published_at)) / 3600.0 as median_hours_to_load
    from articles
    group by all
),

final as (
    select
        coalesce(loaded.source, fetches.source) as source,
        coalesce(loaded.articles, 0) as articles,
        coalesce(fetches.fetched_ok, 0) as fetched_ok,
        coalesce(fetches.failures, 0) as failures,
        round(loaded.median_hours_to_load, 2) as median_hours_to_load,
        fetches.last_fetched_at
    from loaded
    full outer join fetches on fetches.source = loaded.source
)

select * from final;
