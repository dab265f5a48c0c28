-- The latest day on which any entity reached the minimum volume, and its top scores.
with trending as (
    select * from trending_entities
),

final as (
    select
        day,
        name,
        entity_type,
        articles,
        z_score
    from trending
    where day = (select max(day) from trending)
)

select * from final
order by z_score desc, articles desc, name
limit 12
