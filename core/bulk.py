"""Inserting thousands of rows at once (imports and their audit entries), and for
loads of millions (``seed_demo``) checking their foreign keys once at the end
(foreign_keys_checked_at_end) and building a table's indexes after its rows
(indexes_built_after).

On PostgreSQL rows go in with COPY: measured several times faster than bulk_create's
INSERT … VALUES for a 10,000-row import, which spent most of its time building,
binding and parsing the statements' parameters. Elsewhere (SQLite) bulk_create does
it. Either way each object gets its primary key, fields' pre_save runs (auto_now) and
no signal is sent, as with bulk_create.
"""

from contextlib import contextmanager

from django.db import DatabaseError, IntegrityError, connections, models, router, transaction


def insert(model, objects, batch_size=1000) -> list:
    """Insert *objects*, unsaved instances of *model*; returns them with their keys."""
    objects = list(objects)
    db = router.db_for_write(model)
    connection = connections[db]
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model._base_manager.using(db).bulk_create(objects, batch_size=batch_size)
    meta, quote = model._meta, connection.ops.quote_name
    for obj in objects:
        # What bulk_create does first: a related object saved after it was assigned
        # (a new post's new mediator) gives its key to the foreign key column.
        obj._prepare_related_fields_for_save(operation_name="insert")
    fields = meta.concrete_fields
    # Per field, once: the plain ones are written as they are (their pre_save and
    # get_db_prep_save change nothing); the rest (auto_now, encrypted) are prepared.
    plain = [_passes_through(field) and not _stamped(field) for field in fields]
    with connection.cursor() as cursor:
        # The keys first, from the table's own sequence, so the objects know them.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (key,) in zip(objects, cursor.fetchall(), strict=True):
            setattr(obj, meta.pk.attname, key)
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                values = obj.__dict__
                copy.write_row(
                    [
                        values[field.attname]
                        if passes
                        else field.get_db_prep_save(field.pre_save(obj, True), connection)
                        for field, passes in zip(fields, plain, strict=True)
                    ]
                )
    for obj in objects:
        obj._state.adding, obj._state.db = False, db
    return objects


# Stock field types whose Python values psycopg's COPY writes as they are (str, int,
# bool, date): their get_db_prep_save changes nothing, so a big insert skips it per
# value. Subclasses (the encrypted fields) are not in it and are prepared.
PASS_THROUGH = {
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.DateField,
}


def _stamped(field) -> bool:
    """A date field set when saved (auto_now, auto_now_add): its pre_save matters."""
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _passes_through(field) -> bool:
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    return type(field) in PASS_THROUGH


def insert_like(template, rows: list[dict], keys: bool = False) -> list | None:
    """Insert one row per dict of *rows*: *template*'s values (an unsaved instance)
    with the dict's (by field attname) in their place. Only what varies is prepared
    per row, which matters for thousands of audit entries of one import or the
    millions of rows of the province-sized demo. With *keys*, returns the new rows'
    primary keys in the order of *rows*."""
    model = template._meta.model
    db = router.db_for_write(model)
    connection = connections[db]
    if not rows:
        return [] if keys else None
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    if connection.vendor != "postgresql":
        values = {field.attname: getattr(template, field.attname) for field in fields}
        objects = [model(**{**values, **row}) for row in rows]
        model._base_manager.using(db).bulk_create(objects, batch_size=1000)
        return [obj.pk for obj in objects] if keys else None
    constant = [
        field.get_db_prep_save(field.pre_save(template, True), connection) for field in fields
    ]
    prepared = [(index, field) for index, field in enumerate(fields) if field.attname in rows[0]]
    plain = [(index, field.attname) for index, field in prepared if _passes_through(field)]
    varying = [(index, field) for index, field in prepared if not _passes_through(field)]
    quote = connection.ops.quote_name
    meta = model._meta
    new_keys = None
    with connection.cursor() as cursor:
        if keys:
            fields = [meta.pk, *fields]
            constant = [None, *constant]
            plain = [(index + 1, name) for index, name in plain]
            varying = [(index + 1, field) for index, field in varying]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            new_keys = [key for (key,) in cursor.fetchall()]
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for number, row in enumerate(rows):
                values = constant.copy()
                if keys:
                    values[0] = new_keys[number]
                for index, name in plain:
                    values[index] = row[name]
                for index, field in varying:
                    values[index] = field.get_db_prep_save(row[field.attname], connection)
                copy.write_row(values)
    return new_keys


@contextmanager
def foreign_keys_checked_at_end(using: str = "default"):
    """Rows written in the block are not checked against their foreign keys one by
    one, but by one query per foreign key at the end of the block, which raises
    IntegrityError (rolling the block back) if any row points nowhere. For loads of
    millions of rows made consistent by construction (``seed_demo``), on
    PostgreSQL, as pg_restore's --disable-triggers does.

    Why: Django declares foreign keys DEFERRABLE INITIALLY DEFERRED, so PostgreSQL
    queues one trigger event per written row and foreign key, and checks them one
    row at a time at COMMIT (150 s of a province's seed). Worse, each rollback to a
    savepoint walks the whole queue (a service refusing a step inside
    transaction.atomic), which made a few thousand refused demo applications take
    minutes once millions of events were queued. With
    ``session_replication_role = replica`` no such trigger fires (the project has
    no triggers or rules of its own that it would silence); the check at the end
    is a set-based anti-join per foreign key over whole tables, also the rows
    written before the block.

    Setting the parameter needs a superuser (or, from PostgreSQL 15, a role granted
    SET on it): without it, or on another database, the block runs with the usual
    per-row checks. The block is a transaction.atomic() block of its own (a
    savepoint inside the caller's transaction): an error inside it rolls the
    setting back with the rows."""
    connection = connections[using]
    with transaction.atomic(using=using):
        before = _skip_row_checks(connection)
        yield
        if before is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])
                check_foreign_keys(cursor)


def _skip_row_checks(connection) -> str | None:
    """Turn off the per-row foreign key triggers until the end of the transaction
    (SET LOCAL); returns the setting to put back, None where it cannot be done."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        (before,) = cursor.fetchone()
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:  # not permitted
            return None
    return before


# Every foreign key of the tables in the search path, as (name, table, columns,
# referenced table, referenced columns), names quoted for use in SQL.
FOREIGN_KEYS = """
SELECT c.conname, c.conrelid::regclass::text,
       ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
       c.confrelid::regclass::text,
       ARRAY(SELECT quote_ident(a.attname) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE c.contype = 'f' AND n.nspname = ANY(current_schemas(false))
ORDER BY 2, 1
"""


def check_foreign_keys(cursor):
    """Raise IntegrityError naming the first foreign key (PostgreSQL) that a row
    breaks: a row whose key columns are all set (MATCH SIMPLE, as Django declares
    them) and match no row of the referenced table."""
    cursor.execute(FOREIGN_KEYS)
    for name, table, columns, target, keys in cursor.fetchall():
        matched = " AND ".join(f"t.{k} = r.{c}" for c, k in zip(columns, keys, strict=True))
        cursor.execute(
            f"SELECT {', '.join(f'r.{c}' for c in columns)} FROM {table} r "
            f"WHERE {' AND '.join(f'r.{c} IS NOT NULL' for c in columns)} "
            f"AND NOT EXISTS (SELECT FROM {target} t WHERE {matched}) LIMIT 1"
        )
        row = cursor.fetchone()
        if row is not None:
            raise IntegrityError(
                f"{table} row with {', '.join(columns)} = {', '.join(map(str, row))} "
                f"breaks foreign key {name}: no such row in {target}"
            )


@contextmanager
def indexes_built_after(*models, using: str = "default"):
    """Build the non-unique indexes of *models*' tables once, after the block, instead
    of updating them row by row while it writes (PostgreSQL; elsewhere a plain
    block): for loads of hundreds of thousands of rows into a table with many
    indexes (the province's public roster: 1.8 million rows, eleven indexes, one
    of them a trigram GIN). Building an index from sorted rows is much cheaper than
    inserting each row into it.

    The indexes are dropped and created again with their own definitions
    (pg_get_indexdef) inside a transaction.atomic() block of the block's own: DDL is
    transactional in PostgreSQL, so an error (in the block or in a build) rolls
    back to the indexes as they were. Unique and primary-key indexes stay (they
    enforce their constraints while the block writes, and serve its look-ups), and
    so do those backing a constraint, clustering or replica identity.

    DROP INDEX locks the table against every other session (ACCESS EXCLUSIVE) until
    the transaction ends: meant for loads into a database nobody uses meanwhile (a
    new demo), not for a live one. Queries in the block on what the dropped
    indexes served read the table without them."""
    connection = connections[using]
    with transaction.atomic(using=using):
        indexes = []
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(BUILT_AFTER, [[model._meta.db_table for model in models]])
                indexes = cursor.fetchall()
                for name, _definition in indexes:
                    cursor.execute(f"DROP INDEX {name}")
        yield
        if indexes:
            # CREATE INDEX refuses a table with deferred foreign key checks pending
            # (rows written without foreign_keys_checked_at_end): they run first.
            connection.check_constraints()
            with connection.cursor() as cursor:
                for _name, definition in indexes:
                    cursor.execute(definition)


# The indexes indexes_built_after drops and builds again: (name, CREATE INDEX …).
BUILT_AFTER = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%s::regclass[])
  AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
  AND NOT i.indisclustered AND NOT i.indisreplident
  AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1
"""
