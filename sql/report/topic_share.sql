-- Each top-level topic's share of the day's topic links, for the last 14 days with articles.
with tagged as (
    select * from int_article_topics
),

topics as (
    select * from stg_topics
),

days as (
    select distinct published_date from tagged
    order by published_date desc
    limit 14
),

counts as (
    select
        tagged.published_date as day,
        top_level.label,
        count(distinct tagged.article_id) as articles
    from tagged
    inner join days on days.published_date = tagged.published_date
    inner join topics as top_level on top_level.topic_id = tagged.top_topic_id
    group by all
),

final as (
    select
        day,
        label,
        articles,
        articles / sum(articles) over (partition by day) as share
    from counts
)

select * from final
order by day, label
