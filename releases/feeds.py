"""An Atom feed of releases and the corrections each brought, in the page's language."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from releases import changes
from releases.models import Release

FEED_LENGTH = 20


class ReleaseFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Rust Belt Parks: releases and corrections")

    def link(self):
        return reverse("releases:list")

    def subtitle(self):
        return _(
            "Each numbered release of the article, the catalogue and the data files, with the corrections it brought."
        )

    def items(self):
        return Release.objects.all()[:FEED_LENGTH]

    def item_title(self, release):
        return _("Release %(number)s") % {"number": release.number}

    def item_description(self, release):
        corrections = [
            note for note in changes.between(release.previous(), release)["notes_added"] if note["kind"] == "correction"
        ]
        lines = [release.display_notes]
        lines += [
            _("Correction: “%(passage)s” should read “%(wording)s”. %(text)s")
            % {"passage": note["passage"], "wording": note["corrected_wording"], "text": note["text"]}
            for note in corrections
        ]
        # Atom readers take the summary as HTML: every piece of text is escaped into its paragraph.
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines if line))

    def item_link(self, release):
        return release.get_absolute_url()

    def item_pubdate(self, release):
        return release.made_at

    def item_updateddate(self, release):
        return release.made_at
