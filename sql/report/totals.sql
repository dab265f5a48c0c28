select
    (select count(*) from stg_articles) as articles,
    (select count(distinct source) from stg_articles) as sources,
    (select count(*) from stg_entities) as entities
