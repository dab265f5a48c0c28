-- Keywords per article and the day's issues (stories about one event across outlets).
-- Both are replaced with their article, like article_entities and article_topics.

create table article_keywords (
    article_id varchar not null,
    keyword varchar not null,
    score double not null,
    primary key (article_id, keyword)
);

create table article_issues (
    article_id varchar not null,
    issue_id varchar not null,
    day date not null,
    label varchar not null,
    primary key (article_id, issue_id)
);
