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
    private readonly string _description;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // Prepared statements survive on the pooled physical connections: the hot reads are parsed and planned once.
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        _source = NpgsqlDataSource.Create(builder);
        _description = $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port} as '{builder.Username}'";
    }

    public override string Provider => "postgres";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken);

    public override async ValueTask<ReadSession> ReadAsync(CancellationToken cancellationToken) =>
        new Session(await _source.OpenConnectionAsync(cancellationToken));

    /// <summary>A plain transaction per write: PostgreSQL commits concurrent transactions together on its own.</summary>
    public override async Task WriteAsync(Write work, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await work(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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

    /// <summary>
    /// Held until the create commits, so the next create of the organization reads the newest <c>created_at</c> after
    /// this one's commit. <c>NO KEY UPDATE</c> does not block the foreign-key checks of rows that reference it.
    /// </summary>
    public override string LockOrganizationForCreateSql => "SELECT 1 FROM organizations WHERE id = @OrganizationId FOR NO KEY UPDATE";

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
        const string key = "@Class, hashtext(coalesce(current_schema(), ''))";
        await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_advisory_lock({key})", new { Class = MigrationLockClass }, cancellationToken: cancellationToken));
        return new MigrationLock(connection, $"SELECT pg_advisory_unlock({key})");
    }

    public override ValueTask DisposeAsync() => _source.DisposeAsync();

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
    private sealed class Session(NpgsqlConnection connection) : ReadSession
    {
        public override DbCommand Command(string sql) => new NpgsqlCommand(sql, connection);

        public override async ValueTask<DbDataReader> ExecuteReaderAsync(DbCommand command, CancellationToken cancellationToken) =>
            await command.ExecuteReaderAsync(cancellationToken);

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
