-- The twenty most mentioned entities (the same twenty as network_edges.sql), grouped by type.
with mentions as (
    select * from daily_entity_mentions
),

totals as (
    select
        entity_id,
        name,
        entity_type,
        sum(articles) as articles
    from mentions
    group by all
),

final as (
    select * from totals
    order by articles desc, entity_id
    limit 20
)

select * from final
order by entity_type, articles desc, name
