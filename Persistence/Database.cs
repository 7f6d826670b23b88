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
    /// A connection of its own for an explicit transaction (which may wait on a row lock while it holds the
    /// connection); by default the same as <see cref="OpenAsync"/>.
    /// </summary>
    public virtual ValueTask<DbConnection> OpenForTransactionAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>
    /// A connection for reads on the request path, outside any transaction, whose commands are kept prepared
    /// between uses where the provider can (see <see cref="Session"/>).
    /// </summary>
    public abstract ValueTask<Session> ReadAsync(CancellationToken cancellationToken);

    /// <summary>The group commit of the hot write path, on this provider's <see cref="WriteBatcher.Provider"/>.</summary>
    public abstract WriteBatcher Writes { get; }

    /// <summary>
    /// The hot write path: commits <paramref name="write"/> atomically, group-committed with the writes queued
    /// meanwhile (<see cref="WriteBatcher"/>), and returns the first value of each of its statements that returns
    /// rows once it is durable. Writes with the same <see cref="BatchedWrite.SerializeBy"/> commit one after another
    /// in the order they ran, on every server sharing the database.
    /// </summary>
    public Task<object?[]> WriteAsync(BatchedWrite write, CancellationToken cancellationToken) => Writes.RunAsync(write, cancellationToken);

    /// <summary>Whether <paramref name="exception"/> is the database refusing a duplicate key (a unique index or primary key).</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Whether <paramref name="exception"/> means the database could not be reached or opened at all.</summary>
    public abstract bool IsUnreachable(Exception exception);

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) is the storage failing rather than the request: the
    /// database unreachable, its disk full or read-only, an I/O error, a lock not granted in time. Such a request is
    /// answered 503 <c>storage_unavailable</c>: it wrote nothing, and may be retried.
    /// </summary>
    public bool IsStorageFailure(Exception exception)
    {
        // Only what the database driver raised counts: a timeout or an I/O error elsewhere (a client that went away,
        // a regular expression that ran too long) is not the storage's, and stays a 500 with its stack trace.
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException database)
            {
                return IsStorageError(database);
            }
        }

        return exception is AggregateException aggregate && aggregate.InnerExceptions.Any(IsStorageFailure);
    }

    /// <summary>The provider's storage errors (unreachable, disk full, read-only, I/O), for <see cref="IsStorageFailure"/>.</summary>
    protected abstract bool IsStorageError(DbException exception);

    /// <summary>
    /// A write that needs the disk (a row of <c>health_probe</c> updated through the write path), for readiness: a
    /// database that answers reads but cannot write is not ready.
    /// </summary>
    public Task ProbeWriteAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(
            new BatchedWrite([new WriteStatement("UPDATE health_probe SET checked_at = @Now WHERE id = 1", [("@Now", Param(now))])], SerializeBy: null),
            cancellationToken);

    /// <summary>The connection string with every secret removed, fit for a message or a log line.</summary>
    public abstract string Describe();

    // How values are stored. Ids: text on SQLite, uuid on PostgreSQL. Times: Unix milliseconds on SQLite,
    // timestamptz on PostgreSQL, in both cases to the millisecond (cursors and leases compare them exactly).

    public abstract object Param(Guid id);

    public abstract object Param(DateTimeOffset time);

    public object? Param(DateTimeOffset? time) => time is { } value ? Param(value) : null;

    public abstract Guid GetId(DbDataReader reader, int ordinal);

    public abstract DateTimeOffset GetTime(DbDataReader reader, int ordinal);

    /// <summary>A stored time as a statement returned it on its own (see <see cref="WriteBatcher"/>).</summary>
    public abstract DateTimeOffset ToTime(object value);

    /// <summary>A stored id as a statement returned it on its own.</summary>
    public abstract Guid ToId(object value);

    public DateTimeOffset? GetNullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : GetTime(reader, ordinal);

    // The SQL that differs.

    /// <summary>
    /// The list position of a new row of <paramref name="table"/> (invitations, memberships) for <c>@OrganizationId</c>
    /// created at <c>@CreatedAt</c>: that instant, or 1 ms after the organization's newest row if that is later.
    /// </summary>
    public abstract string NextPositionSql(string table);

    /// <summary>Appended to the outbox's claim query so that concurrent dispatchers pass over each other's rows.</summary>
    public abstract string SkipLockedSql { get; }

    // Migrations.

    /// <summary>The folder of this provider's ordered migrations (see <see cref="Migrator"/>).</summary>
    public abstract string MigrationsFolder { get; }

    /// <summary>The table that records applied migrations, created if missing.</summary>
    public abstract string CreateMigrationsTableSql { get; }

    /// <summary>A connection of its own for migrating: one session from open to dispose, whatever the pooling settings.</summary>
    public virtual ValueTask<DbConnection> OpenForMigrationAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

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
