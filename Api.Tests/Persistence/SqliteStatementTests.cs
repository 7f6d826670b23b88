using Dapper;
using JsonApiInvites.Persistence;
using JsonApiInvites.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace JsonApiInvites.Api.Tests.Persistence;

/// <summary>
/// Reads on pooled SQLite connections run as statements compiled once and read by direct calls into SQLite
/// (<c>SqliteStatement</c>), not through Microsoft.Data.Sqlite's reader: what they read, bind and refuse, and that a
/// statement never outlives its reader (an unreset statement would hold its read snapshot and stall checkpoints).
/// </summary>
public sealed class SqliteStatementTests : SqliteAppTests
{
    private const string Select = "SELECT n, s, z, f, u FROM scratch WHERE n >= @N ORDER BY n";

    protected override bool WithOrganization => false;

    [SetUp]
    public async Task CreateScratchTable()
    {
        await App.MigrateAsync();
        await using var connection = Sqlite.Connections.Open();
        await connection.ExecuteAsync("CREATE TABLE scratch (n INTEGER NOT NULL, s TEXT NOT NULL, z TEXT, f REAL NOT NULL, u TEXT NOT NULL)");
        for (var n = 1; n <= 3; n++)
        {
            await connection.ExecuteAsync(
                "INSERT INTO scratch VALUES (@N, @S, NULL, @F, @U)",
                new { N = n, S = $"zoë-{n}-🎉", F = n + 0.5, U = $"0000000{n}-1111-4222-a333-444444444444" });
        }
    }

    [Test]
    public async Task Values_are_read_as_stored_through_the_compiled_statement()
    {
        using var lease = Sqlite.Connections.Rent();
        await using var reader = await lease.ExecuteReaderAsync(lease.Command(Select).With("@N", 2L), CancellationToken.None);

        Assert.That(reader, Is.Not.InstanceOf<SqliteDataReader>(), "the compiled statement runs, not Microsoft.Data.Sqlite's reader");
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(reader.FieldCount, Is.EqualTo(5));
            Assert.That(reader.GetName(1), Is.EqualTo("s"));
            Assert.That(reader.GetInt64(0), Is.EqualTo(2));
            Assert.That(reader.GetValue(0), Is.EqualTo(2L));
            Assert.That(reader.GetString(1), Is.EqualTo("zoë-2-🎉"));
            Assert.That(reader.IsDBNull(1), Is.False);
            Assert.That(reader.IsDBNull(2), Is.True);
            Assert.That(reader.GetValue(2), Is.EqualTo(DBNull.Value));
            Assert.That(reader.GetDouble(3), Is.EqualTo(2.5));
            Assert.That(reader.GetGuid(4), Is.EqualTo(Guid.Parse("00000002-1111-4222-a333-444444444444")));
            Assert.Throws<InvalidCastException>(() => reader.GetString(2), "a NULL is not text");
        });
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(reader.GetInt64(0), Is.EqualTo(3));
        Assert.That(await reader.ReadAsync(), Is.False);
        Assert.That(await reader.ReadAsync(), Is.False, "a finished statement is not run again by another read");
        Assert.Throws<InvalidOperationException>(() => reader.GetInt64(0), "no row is current after the last");
    }

    [Test]
    public async Task Rows_are_copied_whole_whatever_their_size_and_mistyped_reads_are_refused()
    {
        // Each row is copied out of SQLite when read: text and blobs far beyond the copy's first buffer, a row after
        // a long one, and no value that a later row's copy overwrites while it is current.
        using var lease = Sqlite.Connections.Rent();
        const string sql = "SELECT n, s, X'', zeroblob(@Blob), z FROM scratch WHERE n >= @N ORDER BY n";
        await using (var writer = Sqlite.Connections.Open())
        {
            await writer.ExecuteAsync("UPDATE scratch SET s = @S WHERE n = 2", new { S = string.Concat(Enumerable.Repeat("zoë🎉", 5_000)) });
        }

        await using var reader = await lease.ExecuteReaderAsync(lease.Command(sql).With("@N", 1L).With("@Blob", 70_000L), CancellationToken.None);
        var texts = new List<string>();
        while (await reader.ReadAsync())
        {
            texts.Add(reader.GetString(1));
            Assert.That(reader.GetValue(2), Is.EqualTo(Array.Empty<byte>()));
            Assert.That(((byte[])reader.GetValue(3)).Length, Is.EqualTo(70_000));
            Assert.That(reader.GetString(0), Is.EqualTo(reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(() => reader.GetInt64(4), Throws.InstanceOf<InvalidCastException>().With.Message.Contains("NULL"), "a NULL is not read as 0");
            Assert.That(() => reader.GetInt64(1), Throws.InstanceOf<InvalidCastException>(), "nor text as a number");
        }

        Assert.That(texts, Is.EqualTo(new[] { "zoë-1-🎉", string.Concat(Enumerable.Repeat("zoë🎉", 5_000)), "zoë-3-🎉" }));
    }

    [Test]
    public async Task A_compound_select_and_a_table_changed_under_a_compiled_statement_read_right()
    {
        using var lease = Sqlite.Connections.Rent();
        const string union = "SELECT n, s, f FROM scratch WHERE n = 1 UNION ALL SELECT 10 + n, upper(s), f * 2 FROM scratch WHERE n = 2";
        await using (var reader = await lease.ExecuteReaderAsync(lease.Command(union), CancellationToken.None))
        {
            var rows = new List<(long, string, double)>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2)));
            }

            Assert.That(rows, Is.EqualTo(new[] { (1L, "zoë-1-🎉", 1.5), (12L, "ZOë-2-🎉", 5.0) }), "each part of the compound read from its own registers");
        }

        const string all = "SELECT * FROM scratch WHERE n = @N";
        await using (var before = await lease.ExecuteReaderAsync(lease.Command(all).With("@N", 1L), CancellationToken.None))
        {
            Assert.That(await before.ReadAsync(), Is.True);
            Assert.That(before.FieldCount, Is.EqualTo(5));
        }

        await using (var writer = Sqlite.Connections.Open())
        {
            await writer.ExecuteAsync("ALTER TABLE scratch ADD COLUMN extra TEXT NOT NULL DEFAULT 'added'");
        }

        // SQLite compiles the cached statement again on its next step; the row read then has the new column.
        await using var after = await lease.ExecuteReaderAsync(lease.Command(all).With("@N", 1L), CancellationToken.None);
        Assert.That(await after.ReadAsync(), Is.True);
        Assert.That(after.FieldCount, Is.EqualTo(6));
        Assert.That(after.GetString(5), Is.EqualTo("added"));
        Assert.That(after.GetString(1), Is.EqualTo("zoë-1-🎉"));
    }

    [Test]
    public async Task Text_parameters_are_bound_as_given()
    {
        using var lease = Sqlite.Connections.Rent();
        var command = lease.Command("SELECT n FROM scratch WHERE s = @S AND (@Missing IS NULL)").With("@S", "zoë-3-🎉").With("@Missing", null);
        await using var reader = await lease.ExecuteReaderAsync(command, CancellationToken.None);

        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(reader.GetInt64(0), Is.EqualTo(3));
        Assert.That(await reader.ReadAsync(), Is.False);
    }

    [Test]
    public async Task A_statement_left_between_rows_is_reset_when_its_reader_is_disposed()
    {
        using var lease = Sqlite.Connections.Rent();
        await using (var reader = await lease.ExecuteReaderAsync(lease.Command(Select).With("@N", 1L), CancellationToken.None))
        {
            Assert.That(await reader.ReadAsync(), Is.True);
        }

        // A statement stopped between rows but not reset holds its read snapshot: a full checkpoint would report busy.
        await using (var writer = Sqlite.Connections.Open())
        {
            await writer.ExecuteAsync("INSERT INTO scratch VALUES (4, 'later', NULL, 4.5, '00000004-1111-4222-a333-444444444444')");
            var (busy, _, _) = await writer.QuerySingleAsync<(long, long, long)>("PRAGMA wal_checkpoint(TRUNCATE)");
            Assert.That(busy, Is.Zero, "no read snapshot is left open on the pooled connection");
        }

        await using var again = await lease.ExecuteReaderAsync(lease.Command(Select).With("@N", 1L), CancellationToken.None);
        var seen = new List<long>();
        while (await again.ReadAsync())
        {
            seen.Add(again.GetInt64(0));
        }

        Assert.That(seen, Is.EqualTo(new long[] { 1, 2, 3, 4 }), "run again from its start, seeing what was committed since");
    }

    [Test]
    public async Task A_parameter_without_a_value_is_refused_and_the_statement_stays_usable()
    {
        using var lease = Sqlite.Connections.Rent();

        Assert.ThrowsAsync<InvalidOperationException>(async () => await lease.ExecuteReaderAsync(lease.Command(Select), CancellationToken.None));

        await using var reader = await lease.ExecuteReaderAsync(lease.Command(Select).With("@N", 3L), CancellationToken.None);
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(reader.GetInt64(0), Is.EqualTo(3));
    }

    [Test]
    public async Task An_error_while_stepping_is_SQLites_error_and_the_statement_stays_usable()
    {
        using var lease = Sqlite.Connections.Rent();
        const string overflow = "SELECT abs(@Value) FROM scratch ORDER BY n";

        await using (var reader = await lease.ExecuteReaderAsync(lease.Command(overflow).With("@Value", long.MinValue), CancellationToken.None))
        {
            Assert.That(reader.Read, Throws.InstanceOf<SqliteException>().With.Property(nameof(SqliteException.SqliteErrorCode)).EqualTo(1).And.Message.Contains("overflow"));
        }

        await using var fine = await lease.ExecuteReaderAsync(lease.Command(overflow).With("@Value", -9L), CancellationToken.None);
        Assert.That(await fine.ReadAsync(), Is.True);
        Assert.That(fine.GetInt64(0), Is.EqualTo(9));
    }

    [Test]
    public async Task Commands_the_statement_cannot_run_run_as_they_are()
    {
        using var lease = Sqlite.Connections.Rent();

        // A parameter type the statement does not bind (a blob), and several statements in one command.
        await using (var blob = await lease.ExecuteReaderAsync(lease.Command("SELECT length(@B)").With("@B", new byte[] { 1, 2, 3 }), CancellationToken.None))
        {
            Assert.That(blob, Is.InstanceOf<SqliteDataReader>());
            Assert.That(await blob.ReadAsync(), Is.True);
            Assert.That(blob.GetInt64(0), Is.EqualTo(3));
        }

        await using var two = await lease.ExecuteReaderAsync(lease.Command("SELECT 1; SELECT 2"), CancellationToken.None);
        Assert.That(two, Is.InstanceOf<SqliteDataReader>());
        Assert.That(await two.ReadAsync(), Is.True);
        Assert.That(two.GetInt64(0), Is.EqualTo(1));
    }

    [Test]
    public void The_statements_of_a_write_run_compiled_and_answer_their_first_value()
    {
        using var lease = Sqlite.Connections.Rent();
        WriteStatement Insert(long n, object? s) =>
            new("INSERT INTO scratch (n, s, z, f, u) VALUES (@N, @S, NULL, 0.5, 'x') RETURNING z", [("@N", n), ("@S", s)], ReturnsRows: true);

        Assert.Multiple(() =>
        {
            Assert.That(lease.TryRun(Insert(10, "ten"), out var returned), Is.True);
            Assert.That(returned, Is.EqualTo(DBNull.Value), "a NULL answered as Microsoft.Data.Sqlite's reader answers it");
            Assert.That(lease.TryRun(new WriteStatement("UPDATE scratch SET z = 'set' WHERE n = @N", [("@N", 10L)]), out var none), Is.True);
            Assert.That(none, Is.Null, "a statement without rows answers nothing");
            Assert.That(lease.TryRun(new WriteStatement("SELECT z FROM scratch WHERE n = @N", [("@N", 10L)], ReturnsRows: true), out var z), Is.True);
            Assert.That(z, Is.EqualTo("set"));
            Assert.That(lease.TryRun(new WriteStatement("SELECT z FROM scratch WHERE n = @N", [("@N", 99L)], ReturnsRows: true), out var missing), Is.True);
            Assert.That(missing, Is.Null, "no row");
            Assert.That(lease.TryRun(Insert(11, new byte[] { 1 }), out _), Is.False, "a blob parameter is left to a command");
        });
        Assert.That(Assert.Throws<SqliteException>(() => lease.TryRun(new WriteStatement("INSERT INTO scratch (n) VALUES (@N)", [("@N", 12L)]), out _))!.SqliteErrorCode, Is.EqualTo(19), "a constraint failure is SQLite's error");
        Assert.That(lease.TryRun(Insert(13, "thirteen"), out _), Is.True, "and the connection goes on");
    }
}
