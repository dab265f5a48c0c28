-- Every expectation of the last published run.
with last_run as (
    select run_id from validation_results
    order by validated_at desc, run_id desc
    limit 1
),

final as (
    select
        results.run_id,
        results.table_name,
        results.expectation,
        results."column",
        results.success,
        results.unexpected_count
    from validation_results as results
    inner join last_run on last_run.run_id = results.run_id
)

select * from final
order by table_name, expectation, "column"
