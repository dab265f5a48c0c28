with stories as (
    select * from daily_top_stories
),

final as (
    select
        rank,
        story_id,
        headline,
        articles,
        sources,
        outlets,
        languages
    from stories
    -- the latest day, found here: with the day bound as a parameter DuckDB 1.4.4 plans
    -- this view about a hundred times slower
    where day = (select max(day) from daily_top_stories)
)

select * from final
order by rank
limit 10
