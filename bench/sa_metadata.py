"""SQLAlchemy MetaData for a schema made by bench/generate.py.

build_metadata(description, "mutated", dialect) returns the MetaData of the
mutated schema (or of the current one), built from description.json rather
than from generated Python source.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg


def column_type(col, dialect):
    kind = col["type"]
    if kind == "integer":
        return sa.Integer()
    if kind == "bigint":
        return sa.BigInteger()
    if kind == "text":
        return sa.Text()
    if kind == "varchar":
        return sa.String(col["length"])
    if kind == "boolean":
        return sa.Boolean(create_constraint=False)
    if kind == "numeric":
        return sa.Numeric(col["precision"], col["scale"])
    if kind == "timestamp":
        return sa.TIMESTAMP()
    if kind == "date":
        return sa.Date()
    if kind == "real":
        return sa.REAL()
    if kind == "double":
        return pg.DOUBLE_PRECISION() if dialect == "postgresql" else sa.Float(precision=53)
    raise ValueError("unknown type %r" % kind)


def server_default(col, dialect):
    if "default_sql" in col:
        return sa.text(col["default_sql"])
    if "default" not in col:
        return None
    v = col["default"]
    if isinstance(v, bool):
        if dialect == "sqlite":
            return sa.text("TRUE" if v else "FALSE")
        return sa.text("true" if v else "false")
    if isinstance(v, (int, float)):
        return sa.text(str(v))
    return sa.text("'" + v.replace("'", "''") + "'")


def build_metadata(description, which="mutated", dialect="sqlite"):
    md = sa.MetaData()
    for t in description[which]:
        items = []
        for c in t["columns"]:
            items.append(sa.Column(c["name"], column_type(c, dialect), nullable=c["nullable"],
                                   primary_key=c["name"] in t["primary_key"], autoincrement=False,
                                   server_default=server_default(c, dialect)))
        for fk in t["foreign_keys"]:
            items.append(sa.ForeignKeyConstraint([fk["column"]], ["%s.%s" % (fk["table"], fk["ref_column"])],
                                                 ondelete=fk.get("on_delete", "").upper() or None))
        for ck in t["checks"]:
            items.append(sa.CheckConstraint(ck["expr"], name=ck["name"]))
        table = sa.Table(t["name"], md, *items)
        for ix in t["indexes"]:
            sa.Index(ix["name"], *[table.c[name] for name in ix["columns"]], unique=ix["unique"])
    return md
