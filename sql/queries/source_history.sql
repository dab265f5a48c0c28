-- Pages parsed per source and run since the variable volume_since: the baseline of the
-- volume-drop rule.
-- It reads the table, not stg_fetch_log, so a warehouse published before that view works.
with pages as (
    select * from fetch_log
    where kind not in ('feed', 'sitemap')
        and fetched_at >= getvariable('volume_since')
),

final as (
    select
        run_id,
        coalesce(source, '(unknown)') as source,
        count(*) filter (where status = 'parsed') as pages,
        min(fetched_at) as fetched_at
    from pages
    group by all
)

select * from final
