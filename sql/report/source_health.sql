with stats as (
    select * from source_stats
),

final as (
    select
        source,
        articles,
        pages_fetched,
        fetch_failures,
        not_articles,
        median_hours_to_load
    from stats
)

select * from final
order by articles desc, source
