using System.Data.Common;

namespace JsonApiInvites.Persistence;

/// <summary>
/// The seam between the repositories, written once against ADO.NET's base types and Dapper, and one database
/// provider (<see cref="Sqlite.SqliteDatabase"/>, <see cref="Postgres.PostgresDatabase"/>). Everything that differs
/// per database is here: opening and pooling connections, the write path of creates, recognising a unique
/// violation, how ids and times are stored, the few SQL fragments that differ, and the migrations.
/// </summary>
public abstract class Database : IAsyncDisposable
{
    /// <summary>The <c>Database:Provider</c> name: <c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Provider { get; }

    /// <summary>A connection of its own, for writes and cold reads; dispose it to give it back.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A connection for reads on the request path, outside any transaction, whose commands are kept prepared
    /// between uses where the provider can (see <see cref="Session"/>).
    /// </summary>
    public abstract ValueTask<Session> ReadAsync(CancellationToken cancellationToken);

    /// <summary>A unit of work inside a transaction the write path owns (see <see cref="WriteBatcher"/>).</summary>
    public delegate Task Write(WriteContext write, CancellationToken cancellationToken);

    /// <summary>The group commit of the hot write path, on this provider's <see cref="WriteBatcher.BatchTransaction"/>.</summary>
    public abstract WriteBatcher Writes { get; }

    /// <summary>
    /// The hot write path: runs <paramref name="sql"/> (one command, any number of statements) atomically, hands its
    /// results to <paramref name="read"/> (which must read every result, in order), and returns once the write is
    /// durably committed, group-committed with the writes queued meanwhile (<see cref="WriteBatcher"/>). A failing
    /// statement rolls back this write alone, and its exception is rethrown. Writes with the same
    /// <paramref name="serializeBy"/> commit one after another in the order they ran, on every server sharing the
    /// database.
    /// </summary>
    /// <remarks>The command is the session's own for that SQL text: compiled once per pooled connection on SQLite, auto-prepared on PostgreSQL.</remarks>
    public async Task<T> WriteAsync<T>(
        string sql,
        IReadOnlyList<(string Name, object? Value)> parameters,
        Func<DbDataReader, CancellationToken, Task<T>> read,
        Guid? serializeBy,
        CancellationToken cancellationToken)
    {
        T result = default!;
        await Writes.RunAsync(
            async (write, token) =>
            {
                var command = write.Command(sql);
                foreach (var (name, value) in parameters)
                {
                    command.With(name, value);
                }

                await using var reader = await write.Session.ExecuteReaderAsync(command, token);
                result = await read(reader, token);
            },
            cancellationToken,
            serializeBy);
        return result;
    }

    /// <summary>Whether <paramref name="exception"/> is the database refusing a duplicate key (a unique index or primary key).</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Whether <paramref name="exception"/> means the database could not be reached or opened at all.</summary>
    public abstract bool IsUnreachable(Exception exception);

    /// <summary>The connection string with every secret removed, fit for a message or a log line.</summary>
    public abstract string Describe();

    // How values are stored. Ids: text on SQLite, uuid on PostgreSQL. Times: Unix milliseconds on SQLite,
    // timestamptz on PostgreSQL, in both cases to the millisecond (cursors and leases compare them exactly).

    public abstract object Param(Guid id);

    public abstract object Param(DateTimeOffset time);

    public object? Param(DateTimeOffset? time) => time is { } value ? Param(value) : null;

    public abstract Guid GetId(DbDataReader reader, int ordinal);

    public abstract DateTimeOffset GetTime(DbDataReader reader, int ordinal);

    public DateTimeOffset? GetNullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : GetTime(reader, ordinal);

    // The SQL that differs.

    /// <summary>
    /// The list position of a new invitation of <c>@OrganizationId</c> created at <c>@CreatedAt</c>: that instant, or
    /// 1 ms after the organization's newest invitation if that is later.
    /// </summary>
    public abstract string NextPositionSql { get; }

    /// <summary>Appended to the outbox's claim query so that concurrent dispatchers pass over each other's rows.</summary>
    public abstract string SkipLockedSql { get; }

    // Migrations.

    /// <summary>The folder of this provider's ordered migrations (see <see cref="Migrator"/>).</summary>
    public abstract string MigrationsFolder { get; }

    /// <summary>The table that records applied migrations, created if missing.</summary>
    public abstract string CreateMigrationsTableSql { get; }

    /// <summary>
    /// Makes <paramref name="connection"/> the only migrator of this database until the result is disposed, however
    /// many servers start together, and applies the per-database settings migrations rely on.
    /// </summary>
    public abstract Task<IAsyncDisposable> LockForMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// A pooled connection, for reads on the request path and for write batches. <see cref="Command"/> gives the command
/// for a SQL text with no parameters yet; the provider keeps it prepared where it can. Commands belong to the
/// session: never dispose them.
/// </summary>
public abstract class Session : IAsyncDisposable
{
    public abstract DbConnection Connection { get; }

    public abstract DbCommand Command(string sql);

    public abstract ValueTask<DbDataReader> ExecuteReaderAsync(DbCommand command, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A write's view of its batch: the session, its transaction, and the session's commands enlisted in it.</summary>
public sealed class WriteContext(Session session, DbTransaction transaction)
{
    public Session Session { get; } = session;

    public DbConnection Connection => Session.Connection;

    public DbTransaction Transaction { get; } = transaction;

    /// <summary>The session's command for <paramref name="sql"/>, in this transaction, with no parameters yet.</summary>
    public DbCommand Command(string sql)
    {
        var command = Session.Command(sql);
        command.Transaction = Transaction;
        return command;
    }
}

public static class DbCommandExtensions
{
    /// <summary>Adds a parameter; <paramref name="value"/> is already in its stored form (see <see cref="Database.Param(Guid)"/>).</summary>
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
