"""The RSS 2.0 feed of published stories, written with xml.etree: no dependency for a
dozen elements. Each item has a permanent guid (its page), an RFC 822 date and its first
photo as an enclosure, which portals show as the item's picture."""

from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from handlers.publication.public import PublicPhoto, Story
from storage.shared.db import as_utc

SUMMARY_CHARS = 300


def summary(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The story's opening, cut at a word."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + "…"


def rss(stories: list[Story], *, public_url: str, base: str, title: str, description: str,
        photo_path: Callable[[Story, PublicPhoto, str], str], now: datetime) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    for tag, value in (("title", title), ("link", f"{public_url}{base}"),
                       ("description", description), ("language", "vi"),
                       ("lastBuildDate", format_datetime(
                           as_utc(stories[0].published_at) if stories else now, usegmt=True))):
        ET.SubElement(channel, tag).text = value
    for story in stories:
        link = f"{public_url}{base}/{story.slug}"
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = story.headline
        ET.SubElement(item, "link").text = link
        ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = link
        ET.SubElement(item, "pubDate").text = format_datetime(
            as_utc(story.published_at), usegmt=True)
        ET.SubElement(item, "description").text = summary(story.story)
        if story.photos:
            first = story.photos[0]
            ET.SubElement(item, "enclosure", {
                "url": f"{public_url}{photo_path(story, first, '')}",
                "length": str(first.size_bytes), "type": "image/jpeg"})
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
