"""Small factories and an admin-form reader shared by the workflow tests."""

from html.parser import HTMLParser

from django.contrib.auth.models import Group, User

from articles.models import Article, Section
from parks.models import Industry, Park, Province, Source


def make_province(slug="jilin", name_en="Jilin"):
    province, _ = Province.objects.get_or_create(slug=slug, defaults={"name_en": name_en, "name_zh": "吉林"})
    return province


def make_park(**fields):
    fields.setdefault("name_en", "Jilin Economic and Technological Development Zone")
    fields.setdefault("slug", "jilin-etdz")
    fields.setdefault("province", make_province())
    fields.setdefault("zone_type", "etdz")
    fields.setdefault("is_published", True)
    return Park.objects.create(**fields)


def make_article(**fields):
    fields.setdefault("title", "Industrial Real Estate Park Revitalization in Major Rust Belts")
    fields.setdefault("slug", "industrial-real-estate-park-revitalization-in-major-rust-belts")
    fields.setdefault("author", "Jia Xiaobing")
    return Article.objects.create(**fields)


def make_section(article, **fields):
    fields.setdefault("title", "Major rust belts in the world")
    fields.setdefault("slug", "major-rust-belts-in-the-world")
    fields.setdefault("body", "The Ruhr, the Midlands, the American Midwest.")
    return Section.objects.create(article=article, **fields)


def make_industry(name):
    return Industry.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def make_source(citation):
    return Source.objects.create(citation=citation)


def make_staff(username, group=None, **fields):
    user = User.objects.create_user(username, password="a-long-test-password-9", is_staff=True, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


class _FormReader(HTMLParser):
    """What a browser would send for the admin's main form: inputs, checked boxes, selected options, textareas."""

    def __init__(self, form_id, action):
        super().__init__(convert_charrefs=True)
        self.form_id, self.action, self.in_form = form_id, action, False
        self.data, self.select, self.textarea, self.options = {}, None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (
            (self.form_id and attrs.get("id") == self.form_id)
            or (self.action is not None and attrs.get("action") == self.action)
        ):
            self.in_form = True
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "select" and name:
            self.select, self.options, self.multiple = name, [], "multiple" in attrs
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea":
            if self.textarea:
                self.data[self.textarea][0] = self.data[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not self.multiple:
                chosen = [value for value, _ in self.options[:1]]
            if chosen:
                self.data[self.select] = chosen
            self.select = None


def admin_form_data(response, form_id=None, action=None):
    """The POST data a form on the admin page would submit unchanged (found by id, e.g. "park_form", or action)."""
    reader = _FormReader(form_id, action)
    reader.feed(response.content.decode())
    return {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}
