using System.Data.Common;
using System.Net.Sockets;
using Dapper;
using Npgsql;

namespace JsonApiInvites.Persistence.Postgres;

/// <summary>
/// PostgreSQL through Npgsql: its own connection pool (one <see cref="NpgsqlDataSource"/>) and automatic preparation
/// of the statements a connection runs often. Ids are <c>uuid</c>, times <c>timestamptz</c>. Any number of servers
/// may share one database: creates take a row lock on their organization so that they commit in list order, the
/// outbox claims with <c>FOR UPDATE SKIP LOCKED</c>, and migrations run under an advisory lock.
/// </summary>
public sealed class PostgresDatabase : Database
{
    /// <summary>The first key of the migration lock ("JAI" + 1); the second is the schema's hash.</summary>
    private const int MigrationLockClass = 0x4A414931;
    private readonly NpgsqlDataSource _source;

    /// <summary>Explicit transactions' connections, never multiplexed (the same as <see cref="_source"/> without multiplexing).</summary>
    private readonly NpgsqlDataSource _transactions;
    private readonly string _description;
    private readonly string _migrationConnectionString;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };

        // Whether the connection string sets a keyword, in either of the spellings Npgsql accepts.
        bool Gives(string keyword) => given.ContainsKey(keyword) || given.ContainsKey(keyword.Replace(" ", string.Empty, StringComparison.Ordinal));

        if (!Gives("Max Auto Prepare"))
        {
            // Prepared statements survive on the pooled physical connections: the hot reads are parsed and planned once.
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!Gives("No Reset On Close"))
        {
            // Nothing here changes session state (the migration lock is released explicitly), so a connection going
            // back to the pool needs no reset, which PostgreSQL would otherwise run before its next query.
            builder.NoResetOnClose = true;
        }

        // Npgsql refuses multiplexing with several hosts, without pooling or with keepalives: leave those as given.
        if (!Gives("Multiplexing") && builder.Pooling && builder.KeepAlive == 0 && !(builder.Host ?? "").Contains(',', StringComparison.Ordinal))
        {
            // Concurrent requests' commands share connections and go out together: fewer system calls and fewer
            // wake-ups of PostgreSQL's processes per query. Measured on the benchmark machine with Npgsql alone,
            // 32 concurrent single-row reads: ≈ 9–12k a second without, ≈ 16–19k with. Nothing here needs a session
            // of its own except the migration lock, which opens one (OpenForMigrationAsync); everything is async.
            builder.Multiplexing = true;
        }

        if (builder.Multiplexing && !Gives("Write Coalescing Buffer Threshold Bytes"))
        {
            // Multiplexing sends a connection's queued commands together until they fill this many bytes (Npgsql's
            // default is 1,000), and one PostgreSQL process answers them in turn: a read waits behind the batch it joined.
            // At 250 (two or three reads) GET one's p99 halved on the benchmark machine (A/B, 16 of 16 bursts lower:
            // ≈ 11 ms → ≈ 5–6 ms) for ≈ 3 % of its throughput; at 64 the p99 fell further but the throughput by 22 %.
            builder.WriteCoalescingBufferThresholdBytes = 250;
        }

        // The pool as given (or Npgsql's default), before the cap below: the transactions' pool keeps it.
        var givenMaxPoolSize = builder.MaxPoolSize;
        if (builder.Multiplexing && !Gives("Maximum Pool Size") && !Gives("MaxPoolSize"))
        {
            // Multiplexed, a few connections carry every request's commands, yet Npgsql opens another whenever all are
            // busy, up to its default of 100: 32 concurrent reads kept ≈ 16 PostgreSQL processes awake, each one more
            // process for the cores to schedule. Capped at four per core (eight on the benchmark's two), GET one's p99
            // was lower in 13 of 18 bursts (medians ≈ 5.9 → 3.4 ms and 4.0 → 3.6 ms) at the same throughput;
            // at two per core the throughput fell 5 % with no lower p99.
            // Never under a minimum the connection string gives: Npgsql refuses a maximum below it.
            builder.MaxPoolSize = Math.Max(DefaultMaxPoolSize, builder.MinPoolSize);
        }

        Settings = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        try
        {
            _source = NpgsqlDataSource.Create(builder);
        }
        catch (NotSupportedException exception)
        {
            throw new DatabaseConfigurationException($"ConnectionStrings:Invites asks for something Npgsql does not support together: {exception.Message}");
        }

        // Under multiplexing, a transaction takes a pooled connection for itself until it ends, waits on row locks
        // included, and the pool is small (above): a burst of transactions queued on one row (16 clients resending
        // one invitation) held every connection, and GET one beside it fell to 1,600 a second (6,000 with Npgsql's
        // default pool of 100). Transactions get a pool of their own, not multiplexed (GET one beside the same
        // burst: 6,000 a second), sized by the connection string or Npgsql's default.
        _transactions = builder.Multiplexing
            ? NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Multiplexing = false, MaxPoolSize = givenMaxPoolSize })
            : _source;

        // The migration lock is a session lock: its connection must be one session (never multiplexed), and need not stay pooled.
        _migrationConnectionString = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Multiplexing = false, Pooling = false }.ConnectionString;
        Writes = new WriteBatcher(new Batches(_source));
        _description = $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port} as '{builder.Username}'";
    }

    /// <summary>The pool's size under multiplexing when the connection string gives none: four per core, from 8 up to Npgsql's default of 100.</summary>
    public static int DefaultMaxPoolSize => Math.Clamp(4 * Environment.ProcessorCount, 8, 100);

    public override string Provider => "postgres";

    /// <summary>The connection settings in effect, the server's defaults applied (for tests; holds the password).</summary>
    internal NpgsqlConnectionStringBuilder Settings { get; }

    public override WriteBatcher Writes { get; }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken);

    public override async ValueTask<DbConnection> OpenForTransactionAsync(CancellationToken cancellationToken) =>
        await _transactions.OpenConnectionAsync(cancellationToken);

    public override async ValueTask<Session> ReadAsync(CancellationToken cancellationToken) =>
        new PooledSession(await _source.OpenConnectionAsync(cancellationToken));

    public override async ValueTask<DbConnection> OpenForMigrationAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_migrationConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>No server at that address, a refused login, or no such database.</summary>
    public override bool IsUnreachable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification
            or PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException,
        SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Insufficient resources (class 53: disk full, out of memory, too many connections), a read-only transaction or
    /// server (25006), the server shutting down (class 57P), a lost connection (class 08), an I/O error (58030). A
    /// connection that could not be made or broke (Npgsql's exception over a socket or stream error) counts too; a
    /// command timeout does not (a slow query is a fault to see, with its stack trace).
    /// </summary>
    protected override bool IsStorageError(DbException exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.IoError
            || IsUnreachable(postgres),
        NpgsqlException npgsql => npgsql.InnerException is System.Net.Sockets.SocketException or IOException,
        _ => false,
    };

    public override string Describe() => _description;

    public override object Param(Guid id) => id;

    /// <summary>To the millisecond, as SQLite stores it, and in UTC (Npgsql writes only UTC to <c>timestamptz</c>).</summary>
    public override object Param(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    public override Guid GetId(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    public override DateTimeOffset GetTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override DateTimeOffset ToTime(object value) => value switch
    {
        DateTimeOffset time => time,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => throw new InvalidCastException($"Not a stored time: {value.GetType()}."),
    };

    public override Guid ToId(object value) => (Guid)value;

    /// <summary>GREATEST ignores the NULL of an organization without invitations.</summary>
    public override string NextPositionSql(string table) =>
        $"GREATEST(@CreatedAt, (SELECT MAX(created_at) FROM {table} WHERE organization_id = @OrganizationId) + interval '1 millisecond')";

    public override string SkipLockedSql => " FOR UPDATE SKIP LOCKED";

    public override string MigrationsFolder => "Postgres";

    public override string CreateMigrationsTableSql =>
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL
        );
        """;

    /// <summary>
    /// A session advisory lock keyed by the schema migrations go to: servers starting together wait for the first
    /// one, then find its migrations recorded.
    /// </summary>
    public override async Task<IAsyncDisposable> LockForMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Creates rely on READ COMMITTED: a batch's statements after its ordering locks must each see what was
        // committed while it waited (under REPEATABLE READ the snapshot would date from before the lock).
        var isolation = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SHOW transaction_isolation", cancellationToken: cancellationToken));
        if (!string.Equals(isolation, "read committed", StringComparison.OrdinalIgnoreCase))
        {
            throw new DatabaseConfigurationException(
                $"ConnectionStrings:Invites: the {_description} starts transactions at '{isolation}' (default_transaction_isolation); the server needs 'read committed'.");
        }

        const string key = "@Class, hashtext(coalesce(current_schema(), ''))";
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_advisory_lock({key})", new { Class = MigrationLockClass }, cancellationToken: cancellationToken));
        return new MigrationLock(connection, $"SELECT pg_advisory_unlock({key})");
    }

    public override async ValueTask DisposeAsync()
    {
        await Writes.DisposeAsync();
        await _source.DisposeAsync();
        if (_transactions != _source)
        {
            await _transactions.DisposeAsync();
        }
    }

    /// <summary>
    /// A batch is one round trip: Npgsql sends all its statements with a single Sync, so PostgreSQL runs them as one
    /// implicit transaction and commits it before answering. It starts with transaction-scoped advisory locks on its
    /// keys, in ascending order (so batches on different servers never deadlock): the next batch with one of those
    /// keys, on any server, waits until this one commits, then sees everything it wrote. No lock is ever held while
    /// the server waits for this process.
    /// </summary>
    private sealed class Batches(NpgsqlDataSource source) : WriteBatcher.Provider
    {
        public override async Task<object?[][]> CommitAsync(IReadOnlyList<BatchedWrite> writes, IReadOnlyList<Guid> keys)
        {
            await using var connection = await source.OpenConnectionAsync();
            await using var batch = new NpgsqlBatch(connection);
            var lockKeys = keys.Select(LockKey).Distinct().Order().ToList();
            foreach (var key in lockKeys)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new NpgsqlParameter { Value = key } } });
            }

            foreach (var statement in writes.SelectMany(w => w.Statements))
            {
                var command = new NpgsqlBatchCommand(statement.Sql);
                foreach (var (name, value) in statement.Parameters)
                {
                    command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
                }

                batch.BatchCommands.Add(command);
            }

            var results = writes.Select(w => new object?[w.Statements.Count(s => s.ReturnsRows)]).ToArray();
            await using (var reader = await batch.ExecuteReaderAsync())
            {
                // Result sets with columns come in statement order: the locks', then those of statements that return rows.
                var rowSets = lockKeys.Select(_ => (Write: -1, Value: -1))
                    .Concat(writes.SelectMany((w, i) => w.Statements.Where(s => s.ReturnsRows).Select((_, v) => (Write: i, Value: v))))
                    .GetEnumerator();
                do
                {
                    if (reader.FieldCount > 0 && rowSets.MoveNext() && rowSets.Current.Write >= 0)
                    {
                        results[rowSets.Current.Write][rowSets.Current.Value] = await reader.ReadAsync() ? reader.GetValue(0) : null;
                    }
                }
                while (await reader.NextResultAsync());
            }

            return results;
        }

        /// <summary>The 64-bit advisory lock key of an id (its first eight bytes; the migration lock uses the two-key form, apart).</summary>
        private static long LockKey(Guid key) => BitConverter.ToInt64(key.ToByteArray(), 0);
    }

    private sealed class MigrationLock(DbConnection connection, string unlockSql) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await connection.ExecuteAsync(new CommandDefinition(unlockSql, new { Class = MigrationLockClass }));
            }
        }
    }

    /// <summary>A pooled connection; Npgsql prepares the statements it runs often on the physical connection.</summary>
    private sealed class PooledSession(NpgsqlConnection connection) : Session
    {
        public override DbConnection Connection => connection;

        public override DbCommand Command(string sql) => new NpgsqlCommand(sql, connection);

        public override async ValueTask<DbDataReader> ExecuteReaderAsync(DbCommand command, CancellationToken cancellationToken)
        {
            if (command is NpgsqlCommand npgsql)
            {
                PositionalSql.Apply(npgsql);
            }

            return await command.ExecuteReaderAsync(cancellationToken);
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
