-- The tables of the contract and the pipeline's own records.
-- Referential integrity is enforced by the validation gate, not by foreign keys, so that
-- the load can replace an article's rows in one transaction.

create table articles (
    article_id varchar primary key,
    url varchar,
    origin varchar not null,
    source varchar,
    title varchar,
    author varchar,
    published_at timestamptz,
    fetched_at timestamptz not null,
    language varchar not null,
    body varchar not null,
    content_hash varchar not null,
    story_id varchar not null,
    run_id varchar not null,
    loaded_at timestamptz not null
);

create table entities (
    entity_id varchar primary key,
    name varchar not null,
    entity_type varchar not null,
    aliases varchar[] not null,
    wikidata_id varchar
);

create table article_entities (
    article_id varchar not null,
    entity_id varchar not null,
    mention_count integer not null,
    first_offset integer not null,
    salience double not null,
    primary key (article_id, entity_id)
);

create table topics (
    topic_id varchar primary key,
    label varchar not null,
    label_ko varchar,
    parent_topic_id varchar
);

create table article_topics (
    article_id varchar not null,
    topic_id varchar not null,
    score double not null,
    primary key (article_id, topic_id)
);

-- Rows the validation gate held back, with the rule they broke.
create table quarantine (
    run_id varchar not null,
    table_name varchar not null,
    row_key varchar,
    rule varchar not null,
    value varchar,
    quarantined_at timestamptz not null
);

-- Every fetch, file read and listing of every run, failures with their reason.
create table fetch_log (
    run_id varchar not null,
    origin varchar not null,
    final_url varchar,
    kind varchar not null,
    source varchar,
    status varchar not null,
    http_status integer,
    reason varchar,
    fetched_at timestamptz not null
);

create table validation_results (
    run_id varchar not null,
    table_name varchar not null,
    expectation varchar not null,
    "column" varchar,
    success boolean not null,
    unexpected_count bigint,
    details varchar,
    validated_at timestamptz not null
);

create table pipeline_runs (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz not null,
    status varchar not null,
    fetched integer not null,
    fetch_failures integer not null,
    parse_failures integer not null,
    articles_in_batch integer not null,
    articles_changed integer not null,
    quarantined integer not null
);
