using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace JsonApiInvites.Persistence.Sqlite;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. SQLite has one writer at a time, so creates go through the
/// group commit of <see cref="WriteBatcher"/>; reads on the request path rent pooled connections that keep their
/// compiled statements (<see cref="SqliteConnectionPool"/>). Ids are stored as lower-case UUID text, times as Unix
/// milliseconds.
/// </summary>
public sealed class SqliteDatabase : Database
{
    private readonly string _file;
    private readonly Batches _batches;

    public SqliteDatabase(string connectionString)
    {
        _file = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        Connections = new SqliteConnectionPool(connectionString);
        Checkpointer = new WalCheckpointer(Connections);
        _batches = new Batches(Connections, Checkpointer);
        Writes = new WriteBatcher(_batches);
    }

    public override string Provider => "sqlite";

    public SqliteConnectionPool Connections { get; }

    internal WalCheckpointer Checkpointer { get; }

    public override WriteBatcher Writes { get; }

    public override ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => ValueTask.FromResult<DbConnection>(Connections.Open());

    public override ValueTask<Session> ReadAsync(CancellationToken cancellationToken) => ValueTask.FromResult<Session>(Connections.Rent());

    /// <summary>SQLITE_CONSTRAINT with the UNIQUE or PRIMARY KEY extended code.</summary>
    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    /// <summary>The file cannot be created or opened (SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_PERM), or its folder cannot be made.</summary>
    public override bool IsUnreachable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 14 or 26 or 3 } or UnauthorizedAccessException or IOException;

    /// <summary>SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_BUSY (a lock not granted in time), SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_NOTADB.</summary>
    protected override bool IsStorageError(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 13 or 8 or 10 or 5 or 3 or 14 or 26 };

    public override string Describe() => $"SQLite file {_file}";

    public override object Param(Guid id) => id.ToString("D");

    public override object Param(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public override Guid GetId(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    public override DateTimeOffset GetTime(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public override DateTimeOffset ToTime(object value) => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));

    public override Guid ToId(object value) => Guid.Parse((string)value);

    public override string NextPositionSql(string table) =>
        $"MAX(@CreatedAt, COALESCE((SELECT MAX(created_at) FROM {table} WHERE organization_id = @OrganizationId) + 1, @CreatedAt))";

    public override string SkipLockedSql => string.Empty;

    public override string MigrationsFolder => "Sqlite";

    public override string CreateMigrationsTableSql =>
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        );
        """;

    /// <summary>
    /// Each migration runs in a <c>BEGIN IMMEDIATE</c> transaction that checks its record first, and SQLite's single
    /// write lock serializes those across processes: no lock of our own is needed. WAL is a property of the file.
    /// </summary>
    public override async Task<IAsyncDisposable> LockForMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
        return NoLock.Instance;
    }

    public override async ValueTask DisposeAsync()
    {
        await Writes.DisposeAsync();
        _batches.Dispose();
        Checkpointer.Dispose();
        Connections.Dispose();
    }

    /// <summary>
    /// A batch is one <c>BEGIN IMMEDIATE</c> transaction on a connection of the batches' own, whose compiled statements
    /// outlive the batch. SQLite's single write lock, held from the start, already makes every batch (of this server or
    /// another process) the only writer, so keys need no lock of their own.
    /// </summary>
    /// <remarks>
    /// One connection for every batch (they run one at a time), not one rented from the readers' pool: a connection drops
    /// its whole page cache when it finds that another connection wrote since its last transaction, and then reads the
    /// pages it needs again, from the WAL. As the server's only writer it finds its cache still valid batch after batch.
    /// It leaves checkpoints to <see cref="WalCheckpointer"/>, outside the batches.
    /// </remarks>
    private sealed class Batches(SqliteConnectionPool connections, WalCheckpointer checkpointer) : WriteBatcher.Provider, IDisposable
    {
        private PooledConnection? _session;

        public void Dispose()
        {
            _session?.Close();
            _session = null;
        }

        public override Task<object?[][]> CommitAsync(IReadOnlyList<BatchedWrite> writes, IReadOnlyList<Guid> keys)
        {
            if (_session is { } open && open.Connection.State != System.Data.ConnectionState.Open)
            {
                Dispose();
            }

            var session = _session ??= Open();
            using var transaction = session.Connection.BeginTransaction();
            var results = new object?[writes.Count][];
            for (var i = 0; i < writes.Count; i++)
            {
                var values = new List<object?>(1);
                foreach (var statement in writes[i].Statements)
                {
                    if (session.TryRun(statement, out var first))
                    {
                        if (statement.ReturnsRows)
                        {
                            values.Add(first);
                        }

                        continue;
                    }

                    var command = session.Command(statement.Sql);
                    command.Transaction = transaction;
                    foreach (var (name, value) in statement.Parameters)
                    {
                        command.With(name, value);
                    }

                    if (statement.ReturnsRows)
                    {
                        using var reader = command.ExecuteReader();
                        values.Add(reader.Read() ? reader.GetValue(0) : null);
                    }
                    else
                    {
                        command.ExecuteNonQuery();
                    }
                }

                results[i] = [.. values];
            }

            transaction.Commit();
            checkpointer.Written();
            return Task.FromResult(results);
        }

        private PooledConnection Open()
        {
            var session = connections.Rent();
            using var command = session.Connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_autocheckpoint = {WalCheckpointer.WriterCheckpointPages};";
            command.ExecuteNonQuery();
            return session;
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
