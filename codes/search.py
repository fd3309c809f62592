"""Finding sections and versions by their words, among what a person may see.

On PostgreSQL this is full-text search: words are stemmed by the language's text-search
configuration, results are ranked, and ts_headline picks the passage to show. Elsewhere (SQLite,
for ``make run`` on a laptop) every word of the query must appear as a substring, and the
passage is cut around the first one in Python.

The language: neither documents nor versions record the language they are written in, so the
configuration is the searcher's language. A person searching in Romanian types Romanian words and
expects "integritatea" to find "integritate", which only the 'romanian' stemmer does; the
English one would look for the inflected form as it is. The GIN indexes of migration 0009 exist
for both configurations, so either choice is served by an index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from common.highlight import MATCH_END, MATCH_START, excerpt_around_matches, marked_html, query_words

from .models import CodeVersion, Section
from .selectors import Viewer, versions_visible_to

# Text-search configurations by the portal's language codes; English for anything else.
CONFIGURATIONS = {"en": "english", "ro": "romanian"}
DEFAULT_CONFIGURATION = "english"


def configuration_for(language: str | None) -> str:
    return CONFIGURATIONS.get((language or "").split("-")[0], DEFAULT_CONFIGURATION)


def full_text_search() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Search:
    """What was asked, and in which text-search configuration."""

    text: str
    configuration: str

    @classmethod
    def in_current_language(cls, text: str) -> Search:
        return cls(text=text, configuration=configuration_for(get_language()))

    def query(self) -> SearchQuery:
        # websearch syntax: quotes for a phrase, "or", and a leading minus, as people type into search boxes.
        return SearchQuery(self.text, config=self.configuration, search_type="websearch")

    def vector(self, *fields: str) -> SearchVector:
        # The same expression as the index of migration 0009, so that the planner can use it.
        return SearchVector(*fields, config=self.configuration)

    def headline(self, field: str | Concat) -> SearchHeadline:
        # Up to two passages of 10 to 30 words each.
        return SearchHeadline(
            field,
            self.query(),
            config=self.configuration,
            start_sel=MATCH_START,
            stop_sel=MATCH_END,
            max_words=30,
            min_words=10,
            max_fragments=2,
            fragment_delimiter=" … ",
        )

    def contains_every_word(self, *fields: str) -> Q:
        """The fallback's filter: each word of the query in one of the fields."""
        condition = Q()
        for word in query_words(self.text):
            any_field = Q()
            for field in fields:
                any_field |= Q(**{f"{field}__icontains": word})
            condition &= any_field
        return condition

    def marked(self, headline: str | None, text: str) -> SafeString:
        """The passage to show: the database's headline, or the fallback's excerpt.

        Safe to show because marked_html escaped the text before adding its <mark> elements."""
        if headline is not None:
            return mark_safe(marked_html(headline))  # noqa: S308 - escaped, then marked
        return mark_safe(excerpt_around_matches(text, query_words(self.text)))  # noqa: S308 - as above


@dataclass(frozen=True)
class Hit:
    """One result, with the passages to show already escaped and marked."""

    item: Section | CodeVersion
    title_html: SafeString
    text_html: SafeString


def section_hits(sections: Iterable[Section], search: Search) -> list[Hit]:
    return [
        Hit(
            item=section,
            title_html=search.marked(getattr(section, "title_headline", None), section.title),
            text_html=search.marked(getattr(section, "body_headline", None), section.body),
        )
        for section in sections
    ]


def version_hits(versions: Iterable[CodeVersion], search: Search) -> list[Hit]:
    return [
        Hit(
            item=version,
            title_html=search.marked(getattr(version, "title_headline", None), version.title),
            text_html=search.marked(
                getattr(version, "summary_headline", None), f"{version.change_summary} {version.document.summary}"
            ),
        )
        for version in versions
    ]


SECTION_FIELDS = ("title", "body")
# A version is found by its document's title and summary too: people search for "the gifts policy", not "version 3".
VERSION_FIELDS = ("title", "change_summary", "document__title", "document__summary")


def sections_matching(user: Viewer, search: Search) -> QuerySet[Section]:
    """Sections of the versions `user` may see whose title or text matches, best first, with headlines."""
    sections = Section.objects.filter(version__in=versions_visible_to(user).values("pk")).select_related(
        "version__document"
    )
    if not full_text_search():
        return sections.filter(search.contains_every_word(*SECTION_FIELDS)).order_by(
            "version__document__title", "-version__number", "position"
        )
    query = search.query()
    return (
        sections.annotate(search_vector=search.vector(*SECTION_FIELDS))
        .filter(search_vector=query)
        .annotate(
            rank=SearchRank(search.vector(*SECTION_FIELDS), query),
            title_headline=search.headline("title"),
            body_headline=search.headline("body"),
        )
        .order_by("-rank", "-version__number", "pk")
    )


# What the version's headline is cut from: its summary of changes, then its document's summary.
SUMMARIES = Concat(F("change_summary"), Value(" "), F("document__summary"), output_field=TextField())


def versions_matching(user: Viewer, search: Search) -> QuerySet[CodeVersion]:
    """Versions `user` may see whose title or summary of changes matches, best first, with headlines."""
    versions = CodeVersion.objects.filter(pk__in=versions_visible_to(user).values("pk")).select_related("document")
    if not full_text_search():
        return versions.filter(search.contains_every_word(*VERSION_FIELDS)).order_by("document__title", "-number")
    query = search.query()
    return (
        versions.annotate(search_vector=search.vector(*VERSION_FIELDS))
        .filter(search_vector=query)
        .annotate(
            rank=SearchRank(search.vector(*VERSION_FIELDS), query),
            title_headline=search.headline("title"),
            summary_headline=search.headline(SUMMARIES),
        )
        .order_by("-rank", "-number", "pk")
    )
