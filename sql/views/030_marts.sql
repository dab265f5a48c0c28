-- Marts analysts and BI tools query; their columns are part of the contract once documented.

create or replace view daily_entity_mentions as
with entity_days as (
    select * from int_entity_days
),

final as (
    select
        day,
        entity_id,
        name,
        entity_type,
        articles,
        mentions,
        avg_salience
    from entity_days
)

select * from final;

create or replace view entity_cooccurrence as
with mentions as (
    select * from int_article_entities
),

pairs as (
    select
        left_side.published_date as day,
        left_side.entity_id as entity_a,
        left_side.name as name_a,
        left_side.entity_type as type_a,
        right_side.entity_id as entity_b,
        right_side.name as name_b,
        right_side.entity_type as type_b,
        left_side.article_id
    from mentions as left_side
    inner join mentions as right_side
        on left_side.article_id = right_side.article_id
        and left_side.entity_id < right_side.entity_id
),

final as (
    select
        day,
        entity_a,
        name_a,
        type_a,
        entity_b,
        name_b,
        type_b,
        count(distinct article_id) as articles
    from pairs
    group by all
)

select * from final;

-- An entity trends on a day when its article count stands out against the 14 days before;
-- days without a mention count as zero in the baseline.
create or replace view trending_entities as
with entity_days as (
    select * from int_entity_days
),

baseline as (
    select
        today.day,
        today.entity_id,
        coalesce(sum(past.articles), 0) as window_articles,
        coalesce(sum(past.articles * past.articles), 0) as window_squares
    from entity_days as today
    left join entity_days as past
        on past.entity_id = today.entity_id
        and past.day >= today.day - 14
        and past.day < today.day
    group by all
),

scored as (
    select
        entity_days.day,
        entity_days.entity_id,
        entity_days.name,
        entity_days.entity_type,
        entity_days.articles,
        baseline.window_articles / 14.0 as baseline_mean,
        sqrt(greatest(
            baseline.window_squares / 14.0 - (baseline.window_articles / 14.0) ^ 2, 0
        )) as baseline_stddev
    from entity_days
    inner join baseline
        on baseline.day = entity_days.day
        and baseline.entity_id = entity_days.entity_id
),

final as (
    select
        day,
        entity_id,
        name,
        entity_type,
        articles,
        round(baseline_mean, 4) as baseline_mean,
        round(baseline_stddev, 4) as baseline_stddev,
        -- a floor of one article keeps a quiet entity's first mention from scoring infinity
        round((articles - baseline_mean) / greatest(baseline_stddev, 1.0), 4) as z_score
    from scored
    -- the minimum volume: fewer articles than this is noise, however quiet the baseline
    where articles >= 3
)

select * from final;

create or replace view topic_daily as
with tagged as (
    select * from int_article_topics
),

final as (
    select
        published_date as day,
        topic_id,
        label,
        parent_topic_id,
        count(*) as articles,
        round(sum(score), 4) as score_sum
    from tagged
    group by all
)

select * from final;

-- A story is every article sharing a story_id (syndicated copies, rewrites); its day is the
-- day of its first article.
create or replace view daily_top_stories as
with articles as (
    select * from stg_articles
),

stories as (
    select
        story_id,
        min(published_date) as day,
        count(*) as articles,
        count(distinct source) as sources,
        list_sort(list_distinct(list(source))) as outlets,
        list_sort(list_distinct(list(language))) as languages,
        arg_min(title, coalesce(published_at, fetched_at)) as headline,
        arg_min(url, coalesce(published_at, fetched_at)) as first_url,
        min(coalesce(published_at, fetched_at)) as first_published_at
    from articles
    group by story_id
),

final as (
    select
        day,
        row_number() over (
            partition by day order by articles desc, sources desc, first_published_at, story_id
        ) as rank,
        story_id,
        headline,
        articles,
        sources,
        outlets,
        languages,
        first_published_at,
        first_url
    from stories
)

select * from final;

create or replace view source_stats as
with fetches as (
    select
        source,
        count(*) filter (where status in ('parsed', 'parse_failed')) as pages_fetched,
        count(*) filter (where status = 'fetch_failed') as fetch_failures,
        count(*) filter (where status = 'parse_failed') as not_articles,
        max(fetched_at) as last_fetched_at
    from stg_fetch_log
    where is_page
    group by all
),

loaded as (
    select
        source,
        count(*) as articles,
        max(published_at) as last_published_at,
        -- hours from publication to load; articles with no publication time are left out
        median(epoch(loaded_at) - epoch(published_at)) / 3600.0 as median_hours_to_load
    from stg_articles
    group by all
),

final as (
    select
        coalesce(loaded.source, fetches.source) as source,
        coalesce(loaded.articles, 0) as articles,
        coalesce(fetches.pages_fetched, 0) as pages_fetched,
        coalesce(fetches.fetch_failures, 0) as fetch_failures,
        coalesce(fetches.not_articles, 0) as not_articles,
        round(loaded.median_hours_to_load, 2) as median_hours_to_load,
        loaded.last_published_at,
        fetches.last_fetched_at
    from loaded
    full outer join fetches on fetches.source = loaded.source
)

select * from final;

-- One row per article in the columns of a BigKinds news export; list columns are joined
-- with ',' (categories with '>' between a topic and its parent), as BigKinds spreadsheets are.
create or replace view bigkinds_export as
with articles as (
    select * from stg_articles
),

mentions as (
    select * from int_article_entities
),

tagged as (
    select * from int_article_topics
),

topics as (
    select * from stg_topics
),

entity_lists as (
    select
        article_id,
        string_agg(name, ',' order by salience desc, name)
            filter (where entity_type = 'PERSON') as persons,
        string_agg(name, ',' order by salience desc, name)
            filter (where entity_type = 'LOCATION') as locations,
        string_agg(name, ',' order by salience desc, name)
            filter (where entity_type = 'ORG') as organisations,
        string_agg(name, ',' order by salience desc, name) as keywords
    from mentions
    group by article_id
),

category_lists as (
    select
        tagged.article_id,
        string_agg(
            coalesce(parent.label || '>', '') || tagged.label,
            ',' order by tagged.score desc, tagged.topic_id
        ) as categories
    from tagged
    left join topics as parent on parent.topic_id = tagged.parent_topic_id
    group by tagged.article_id
),

final as (
    select
        articles.article_id as news_id,
        articles.published_date,
        articles.source as outlet,
        articles.author as byline,
        articles.title,
        category_lists.categories,
        entity_lists.persons,
        entity_lists.locations,
        entity_lists.organisations,
        entity_lists.keywords,
        articles.body,
        articles.url
    from articles
    left join entity_lists on entity_lists.article_id = articles.article_id
    left join category_lists on category_lists.article_id = articles.article_id
)

select * from final;
