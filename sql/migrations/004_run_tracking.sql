-- What operators and the report need to know about each run: which data interval it
-- covered, how it was started, where it failed and why, and each step's counts and time.

alter table pipeline_runs add column run_type varchar;
alter table pipeline_runs add column data_interval_start timestamptz;
alter table pipeline_runs add column data_interval_end timestamptz;
alter table pipeline_runs add column seconds double;
alter table pipeline_runs add column failed_step varchar;
alter table pipeline_runs add column failure_reason varchar;

-- One row per step of a run; a step mapped over sources (extract) is one row per source
-- shard, numbered by `shard` (-1 for steps that are not mapped).
create table pipeline_steps (
    run_id varchar not null,
    step varchar not null,
    shard integer not null,
    status varchar not null,
    rows_out bigint,
    seconds double,
    detail varchar,
    finished_at timestamptz not null,
    primary key (run_id, step, shard)
);
