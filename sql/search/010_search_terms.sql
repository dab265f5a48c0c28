-- The text the search index holds and the query it is matched against, made the same way:
-- lower case, punctuation to spaces, Korean words as overlapping character pairs (so 반도체
-- matches 반도체가 and 차세대반도체 without a morphological analyser), other words whole.
create or replace macro search_terms(text_value) as
array_to_string(
    list_filter(
        flatten(list_transform(
            string_split(trim(regexp_replace(lower(text_value), '[^\p{L}\p{N}]+', ' ', 'g')), ' '),
            word -> case
                when regexp_matches(word, '\p{Hangul}') and length(word) > 1
                    then list_transform(range(length(word) - 1), i -> substr(word, i + 1, 2))
                else [word]
            end
        )),
        term -> term <> ''
    ),
    ' '
);

-- What an article's terms are worked out from, and what its text_hash (article_search) hashes.
create or replace macro search_text(title_value, body_value) as
coalesce(title_value, '') || ' ' || body_value;
