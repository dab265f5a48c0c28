-- One row per article: the terms of its title and body, the input of the full-text index.
-- Kept up to date rather than rebuilt: only an article that is new, or whose title or body
-- changed (text_hash), has its terms worked out again; one that is gone loses its row.
create table if not exists article_search (
    article_id varchar,
    terms varchar,
    text_hash varchar
);

create or replace temp table article_search_hashes as
select
    article_id,
    md5(search_text(title, body)) as text_hash
from stg_articles;

delete from article_search
where not exists (
    select 1
    from article_search_hashes as hashes
    where hashes.article_id = article_search.article_id
        and hashes.text_hash = article_search.text_hash
);

insert into article_search
select
    articles.article_id,
    coalesce(prepared.terms, search_terms(search_text(articles.title, articles.body))) as terms,
    hashes.text_hash
from stg_articles as articles
inner join article_search_hashes as hashes on hashes.article_id = articles.article_id
left join prepared_search_terms as prepared
    on prepared.article_id = articles.article_id and prepared.text_hash = hashes.text_hash
where not exists (
    select 1 from article_search where article_search.article_id = articles.article_id
);

drop table article_search_hashes;
drop table prepared_search_terms;
