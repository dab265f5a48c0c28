-- Which parser made each article (parse.EXTRACTOR_VERSION), beside the fetch log's: after a
-- reparse with a newer extractor, analysts can tell which articles it rewrote.
alter table articles add column extractor_version varchar;
