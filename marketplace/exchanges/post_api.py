"""Read API of the exchange's offers and requests: search the open posts of your exchanges (newest first,
cursor-paginated), and read one post."""
from __future__ import annotations

from flask import g

from marketplace.api.base import api_blueprint, token_route
from marketplace.api.pagination import Page, decode_cursor, encode_cursor
from marketplace.exchanges import posts
from marketplace.exchanges.post_schemas import PostPageSchema, PostQuerySchema, PostSchema

blp = api_blueprint("exchanges_api", __name__, url_prefix="/api/v1",
                    description="Neighbour exchange: offers and requests of the exchanges you belong to")


@token_route(blp, "/exchange/posts", query=PostQuerySchema, response=PostPageSchema)
def list_exchange_posts(args):
    """List the open offers and requests of your exchanges, newest first, filtered by kind, category, district
    and words; never those of members who blocked you or whom you blocked."""
    after = decode_cursor(args["cursor"]) if args["cursor"] else None
    found, next_after = posts.search(g.user, args["org"], args["kind"], args["category"], args["district"],
                                     args["q"], after, page_size=args["limit"])
    return Page(found, encode_cursor(next_after) if next_after else None)


@token_route(blp, "/exchange/posts/<post_code>", response=PostSchema)
def get_exchange_post(post_code):
    """Return an offer or request you may see: an open one of your exchange, one of yours, or any of an exchange
    you coordinate."""
    return posts.visible(g.user, post_code)
