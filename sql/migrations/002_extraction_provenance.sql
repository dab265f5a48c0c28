-- Which parser made each fetch-log row (parse.EXTRACTOR_VERSION), so a reparse of the raw
-- layer with a newer extractor can be told from the original run.
alter table fetch_log add column extractor_version varchar;
