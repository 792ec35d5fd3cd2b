"""A Scrapy item pipeline that sends every item to `newsdedup serve`.

Each item goes to POST /v1/check-and-add?clean=true, one call per item:

- an item that duplicates a story already admitted (by this crawl, an
  earlier one, or another crawler sharing the server's index) is dropped
  with DropItem, whose message names the article it duplicates;
- any other item has its body field replaced by the cleaned body (residue,
  repeated headlines, repeated and off-topic paragraphs removed), in the
  form it had (a string, or a list of strings);
- an item the server cannot read (no body field, say) is dropped with the
  server's message.

Settings:

    ITEM_PIPELINES = {"newsdedup_pipeline.NewsdedupPipeline": 300}
    NEWSDEDUP_URL = "http://127.0.0.1:8077"   # where `newsdedup serve` listens
    NEWSDEDUP_TOKEN = ""                      # its --token-file's token, if any
    NEWSDEDUP_TIMEOUT = 30                    # seconds per request
    NEWSDEDUP_CLEAN = True                    # write the cleaned body back
    NEWSDEDUP_DROP_DUPLICATES = True          # drop near-duplicates
    NEWSDEDUP_FINDINGS_FIELD = None           # e.g. "findings": store them in the item

The item's fields are read as the server reads a JSONL record (title or
headline; text, body, content or articleBody; id or url), or as its
--title-field, --body-field and --id-field flags say. An item needs an id
or a url: the index admits articles by id.

Requests run in Twisted's thread pool, so the crawl goes on while the
server answers. Only the standard library and Scrapy are needed.
"""

import json
import urllib.error
import urllib.request

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from twisted.internet import threads

__all__ = ["NewsdedupPipeline", "NewsdedupError"]


class NewsdedupError(Exception):
    """The server could not be reached, or failed (its index, say)."""


class NewsdedupPipeline:
    def __init__(self, url, token="", timeout=30.0, clean=True, drop_duplicates=True, findings_field=None, stats=None):
        if not url:
            raise NotConfigured("NEWSDEDUP_URL is empty")
        self.endpoint = url.rstrip("/") + "/v1/check-and-add" + ("?clean=true" if clean else "")
        self.token = token
        self.timeout = timeout
        self.clean = clean
        self.drop_duplicates = drop_duplicates
        self.findings_field = findings_field
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(
            url=s.get("NEWSDEDUP_URL", "http://127.0.0.1:8077"),
            token=s.get("NEWSDEDUP_TOKEN", ""),
            timeout=s.getfloat("NEWSDEDUP_TIMEOUT", 30.0),
            clean=s.getbool("NEWSDEDUP_CLEAN", True),
            drop_duplicates=s.getbool("NEWSDEDUP_DROP_DUPLICATES", True),
            findings_field=s.get("NEWSDEDUP_FINDINGS_FIELD"),
            stats=crawler.stats,
        )

    def process_item(self, item, spider):
        d = threads.deferToThread(self._post, ItemAdapter(item).asdict())
        d.addCallback(self._apply, item)
        return d

    def _post(self, record):
        """Posts one item; returns the server's verdict (a dict)."""
        body = json.dumps(record, ensure_ascii=False, default=str).encode("utf-8")
        req = urllib.request.Request(self.endpoint, data=body, method="POST")
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as e:
            try:
                msg = json.load(e).get("error", "")
            except ValueError:
                msg = ""
            if e.code == 400:
                return {"_bad_item": msg or e.reason}
            raise NewsdedupError(f"newsdedup: {self.endpoint}: HTTP {e.code}: {msg or e.reason}") from e
        except (urllib.error.URLError, OSError) as e:
            raise NewsdedupError(f"newsdedup: {self.endpoint}: {e}") from e

    def _inc(self, key):
        if self.stats is not None:
            self.stats.inc_value("newsdedup/" + key)

    def _apply(self, verdict, item):
        if "_bad_item" in verdict:
            self._inc("bad_item")
            raise DropItem(f"newsdedup: {verdict['_bad_item']}")
        adapter = ItemAdapter(item)
        if self.findings_field:
            adapter[self.findings_field] = verdict.get("findings", [])
        if not verdict.get("admitted") and self.drop_duplicates:
            self._inc("duplicate")
            raise DropItem(
                f"newsdedup: duplicate of {verdict.get('duplicate_of', '?')} "
                f"(similarity {verdict.get('similarity', 0):.2f})"
            )
        self._inc("admitted" if verdict.get("admitted") else "kept_duplicate")
        if self.clean:
            field = verdict.get("body_field")
            record = verdict.get("record") or {}
            if field and field in record:
                removed = verdict.get("removed", [])
                if removed:
                    self._inc("cleaned")
                adapter[field] = record[field]
        return item
