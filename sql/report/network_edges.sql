-- Co-mentions among the twenty most mentioned entities, summed over all days.
with top_entities as (
    select
        entity_id,
        sum(articles) as articles
    from daily_entity_mentions
    group by all
    order by articles desc, entity_id
    limit 20
),

pairs as (
    select * from entity_cooccurrence
),

final as (
    select
        pairs.entity_a,
        pairs.name_a,
        pairs.entity_b,
        pairs.name_b,
        sum(pairs.articles) as articles
    from pairs
    inner join top_entities as a on a.entity_id = pairs.entity_a
    inner join top_entities as b on b.entity_id = pairs.entity_b
    group by all
)

select * from final
order by articles desc, entity_a, entity_b
