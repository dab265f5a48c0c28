-- The day's issues, ranked: one row per issue with how many articles and outlets carried it.

create or replace view daily_issues as
with members as (
    select
        issues.issue_id,
        issues.day,
        issues.label,
        articles.article_id,
        articles.source,
        articles.published_at
    from article_issues as issues
    inner join articles on articles.article_id = issues.article_id
),

final as (
    select
        issue_id,
        day,
        any_value(label) as label,
        count(distinct article_id) as articles,
        count(distinct source) as sources,
        min(published_at) as first_published_at,
        -- Outlets count more than copies from one outlet: breadth of coverage is the signal.
        count(distinct source) * 2 + count(distinct article_id) as rank_score
    from members
    group by issue_id, day
)

select * from final;
