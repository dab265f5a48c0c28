-- Intermediate: articles joined to what they mention, one grain per view, for the marts.

create or replace view int_article_entities as
with mentions as (
    select * from stg_article_entities
),

articles as (
    select * from stg_articles
),

entities as (
    select * from stg_entities
),

final as (
    select
        articles.published_date,
        articles.article_id,
        articles.story_id,
        articles.source,
        entities.entity_id,
        entities.name,
        entities.entity_type,
        mentions.mention_count,
        mentions.salience
    from mentions
    inner join articles on articles.article_id = mentions.article_id
    inner join entities on entities.entity_id = mentions.entity_id
)

select * from final;

create or replace view int_entity_days as
with mentions as (
    select * from int_article_entities
),

final as (
    select
        published_date as day,
        entity_id,
        name,
        entity_type,
        count(*) as articles,
        sum(mention_count) as mentions,
        round(avg(salience), 4) as avg_salience
    from mentions
    group by all
)

select * from final;

create or replace view int_article_topics as
with tagged as (
    select * from stg_article_topics
),

articles as (
    select * from stg_articles
),

topics as (
    select * from stg_topics
),

final as (
    select
        articles.published_date,
        articles.article_id,
        topics.topic_id,
        topics.label,
        topics.label_ko,
        topics.parent_topic_id,
        topics.top_topic_id,
        tagged.score
    from tagged
    inner join articles on articles.article_id = tagged.article_id
    inner join topics on topics.topic_id = tagged.topic_id
)

select * from final;
