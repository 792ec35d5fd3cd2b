"""Runs a real Scrapy spider through NewsdedupPipeline against a running
`newsdedup serve` (NEWSDEDUP_URL, and NEWSDEDUP_TOKEN when it wants one),
over file:// pages the test writes, and checks what was dropped and what
was cleaned. run_test.sh starts the server and runs this.

    NEWSDEDUP_URL=http://127.0.0.1:8077 python3 -m unittest -v test_pipeline
"""

import html
import os
import pathlib
import tempfile
import unittest

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess

STORM = [
    "A strong storm hit the northern coast overnight, cutting power to thousands of homes and closing the main coastal road.",
    "Emergency crews worked through the morning to clear fallen trees, and the regional council opened two shelters for families.",
    "Forecasters said the wind would ease by the evening, but warned of more rain and flooding in low-lying villages on Thursday.",
]
BUDGET = [
    "The city council approved the annual budget on Tuesday after a long debate about the cost of the new tram line.",
    "The budget raises spending on schools by four percent and freezes the fees for public swimming pools for another year.",
    "Opposition members said the plan relied on optimistic forecasts of tax revenue and voted against it.",
]

# name: (headline, paragraphs as the page shows them)
PAGES = {
    "storm.html": ("Storm cuts power to thousands on the coast", STORM + ["Share this article on Facebook"]),
    # The same story on another site, with other residue.
    "storm-copy.html": ("Storm cuts power to thousands on the coast", ["Advertisement"] + STORM + ["Related Articles"]),
    # A new story whose body prints its headline twice: the item's title
    # stands in a field of its own, so the body keeps one copy, its own.
    "budget.html": ("Council approves budget", ["Council approves budget"] * 2 + BUDGET + ["Follow us on Twitter"]),
    # A page with no body: the server says so, and the item is dropped.
    "empty.html": ("Nothing here", []),
}


def write_site(root):
    links = "".join(f'<li><a href="{name}">{html.escape(t)}</a></li>' for name, (t, _) in PAGES.items())
    (root / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    for name, (title, paras) in PAGES.items():
        ps = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
        (root / name).write_text(
            f"<html><head><title>{html.escape(title)}</title></head>"
            f"<body><article><h1>{html.escape(title)}</h1>{ps}</article></body></html>",
            encoding="utf-8",
        )


class NewsSpider(scrapy.Spider):
    name = "news"

    def parse(self, response):
        for href in response.css("li a::attr(href)").getall():
            yield response.follow(href, self.parse_article)

    def parse_article(self, response):
        paras = response.css("article p::text").getall()
        item = {"url": response.url, "title": response.css("h1::text").get()}
        if paras:
            item["text"] = paras  # a list of paragraphs; the server reads it as lines
        yield item


class ScrapyPipelineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        root = pathlib.Path(cls.dir.name)
        write_site(root)
        cls.root = root.as_uri()
        cls.scraped, cls.dropped = {}, {}
        process = CrawlerProcess(
            settings={
                "ITEM_PIPELINES": {"newsdedup_pipeline.NewsdedupPipeline": 300},
                "NEWSDEDUP_URL": os.environ["NEWSDEDUP_URL"],
                "NEWSDEDUP_TOKEN": os.environ.get("NEWSDEDUP_TOKEN", ""),
                "NEWSDEDUP_FINDINGS_FIELD": "findings",
                "LOG_LEVEL": "WARNING",
                "ROBOTSTXT_OBEY": False,
                "TELNETCONSOLE_ENABLED": False,
                "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
            }
        )
        crawler = process.create_crawler(NewsSpider)

        def on_scraped(item, response, spider):
            cls.scraped[item["url"].rsplit("/", 1)[-1]] = item

        def on_dropped(item, response, exception, spider):
            cls.dropped[item["url"].rsplit("/", 1)[-1]] = str(exception)

        crawler.signals.connect(on_scraped, signal=signals.item_scraped)
        crawler.signals.connect(on_dropped, signal=signals.item_dropped)
        process.crawl(crawler, start_urls=[cls.root + "/index.html"])
        process.start()
        cls.stats = crawler.stats.get_stats()

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_every_page_is_decided(self):
        self.assertEqual(set(self.scraped) | set(self.dropped), set(PAGES), (self.scraped, self.dropped))
        self.assertFalse(set(self.scraped) & set(self.dropped))

    def test_one_copy_of_the_storm_is_dropped(self):
        storms = {"storm.html", "storm-copy.html"}
        kept = storms & set(self.scraped)
        gone = storms & set(self.dropped)
        self.assertEqual((len(kept), len(gone)), (1, 1), (self.scraped.keys(), self.dropped))
        (k,), (g,) = kept, gone
        self.assertIn(f"newsdedup: duplicate of {self.root}/{k}", self.dropped[g])
        self.assertEqual(self.stats.get("newsdedup/duplicate"), 1)

    def test_kept_items_are_cleaned(self):
        budget = self.scraped["budget.html"]
        self.assertEqual(budget["text"], ["Council approves budget"] + BUDGET,
                         "one headline copy and the follow prompt are gone, the list stays a list")
        kinds = {f["kind"] for f in budget["findings"]}
        self.assertTrue({"repeated_headline", "residue"} <= kinds, kinds)
        storm = next(self.scraped[n] for n in ("storm.html", "storm-copy.html") if n in self.scraped)
        self.assertEqual(storm["text"], STORM, "residue removed")
        self.assertGreaterEqual(self.stats.get("newsdedup/cleaned", 0), 2)

    def test_a_page_without_body_is_dropped_with_the_message(self):
        self.assertIn("empty.html", self.dropped)
        self.assertIn("missing body", self.dropped["empty.html"])


if __name__ == "__main__":
    unittest.main()
