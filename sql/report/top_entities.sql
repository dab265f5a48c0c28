with mentions as (
    select * from daily_entity_mentions
),

final as (
    select
        entity_id,
        name,
        entity_type,
        sum(articles) as articles
    from mentions
    group by all
)

select * from final
order by articles desc, name
limit 15
