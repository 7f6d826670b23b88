using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace JsonApiInvites.Persistence.Sqlite;

/// <summary>
/// Opens SQLite connections with the per-connection settings the code relies on. Reads on the request path rent
/// from a small pool of open connections instead (<see cref="Rent"/>), which keep their compiled statements.
/// </summary>
public sealed class SqliteConnectionPool : IDisposable
{
    private readonly string _connectionString;
    private readonly ConcurrentQueue<PooledConnection> _idle = new();
    private readonly int _maxIdle = Math.Max(8, Environment.ProcessorCount * 4);
    private readonly string? _directory;
    private int _idleCount;
    private volatile bool _disposed;
    private volatile bool _directoryMade;

    public SqliteConnectionPool(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true };
        if (builder.DataSource.Length > 0 && builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            _directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        }

        _connectionString = builder.ToString();
    }

    /// <summary>A new connection of its own (not pooled here: Microsoft.Data.Sqlite pools the native handles).</summary>
    public SqliteConnection Open()
    {
        MakeDirectory();
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Configure(connection);
        return connection;
    }

    /// <summary>
    /// An open connection for reads that run outside a transaction, returned to the pool when disposed. Microsoft.Data.Sqlite
    /// compiles a statement per command object, so a new command per query pays for parsing and planning its SQL (and
    /// opening a connection runs its PRAGMAs) on every request; a pooled connection keeps both done.
    /// </summary>
    public PooledConnection Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryDequeue(out var pooled))
        {
            Interlocked.Decrement(ref _idleCount);
            return pooled;
        }

        MakeDirectory();
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Configure(connection);
        return new PooledConnection(this, connection);
    }

    internal void Return(PooledConnection pooled)
    {
        // A connection left broken is not reused, and the pool keeps only a bounded number idle.
        if (_disposed || pooled.Connection.State != System.Data.ConnectionState.Open)
        {
            pooled.Close();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > _maxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            pooled.Close();
            return;
        }

        _idle.Enqueue(pooled);
        if (_disposed)
        {
            Drain();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryDequeue(out var pooled))
        {
            Interlocked.Decrement(ref _idleCount);
            pooled.Close();
        }
    }

    /// <summary>The database file's folder is created on first use, not when configured (a failure then is the database's, reported at start).</summary>
    private void MakeDirectory()
    {
        if (!_directoryMade && !string.IsNullOrEmpty(_directory))
        {
            Directory.CreateDirectory(_directory);
            _directoryMade = true;
        }
    }

    private static void Configure(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        // Wait for a competing writer instead of failing at once; WAL lets readers go on meanwhile.
        command.CommandText = "PRAGMA busy_timeout = 5000;";
        command.ExecuteNonQuery();
    }
}

/// <summary>A rented open connection with its cache of commands and compiled statements, one per SQL text (see <see cref="SqliteConnectionPool.Rent"/>).</summary>
public sealed class PooledConnection : Session, IDisposable
{
    private const int MaxCached = 128;
    private readonly SqliteConnectionPool _owner;

    // A command and its compiled statement by SQL text, most recently used first: a full cache drops the least recently
    // used one (a page size is part of a list's SQL, so clients mixing sizes and filters make many texts; the hot ones stay).
    private readonly Dictionary<string, LinkedListNode<Cached>> _cached = new(StringComparer.Ordinal);
    private readonly LinkedList<Cached> _recent = new();

    internal PooledConnection(SqliteConnectionPool owner, SqliteConnection connection)
    {
        _owner = owner;
        Connection = connection;
    }

    public override SqliteConnection Connection { get; }

    /// <summary>The command for <paramref name="sql"/>, made on its first use on this connection, with no parameters yet.</summary>
    public override SqliteCommand Command(string sql)
    {
        var cached = Cache(sql);
        if (cached.Command is not { } command)
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            cached.Command = command;
        }

        command.Parameters.Clear();
        command.Transaction = null;
        return command;
    }

    /// <summary>
    /// Runs synchronously (Microsoft.Data.Sqlite's async calls do the same, with a task more), as a
    /// <see cref="SqliteStatement"/> compiled once on this connection: the command only carries the SQL and parameters.
    /// Outside a transaction only; a command the statement cannot run (several statements, a parameter type it does
    /// not bind) runs as it is.
    /// </summary>
    public override ValueTask<DbDataReader> ExecuteReaderAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var sqlite = (SqliteCommand)command;
        if (sqlite.Transaction is null && Statement(sqlite.CommandText) is { } statement && statement.Execute(sqlite.Parameters) is { } rows)
        {
            return ValueTask.FromResult(rows);
        }

        return ValueTask.FromResult<DbDataReader>(sqlite.ExecuteReader());
    }

    /// <summary>
    /// Runs a statement of a write on this connection, in whatever transaction it has open, as a compiled
    /// <see cref="SqliteStatement"/>; <paramref name="value"/> is the first row's first value for one that returns rows
    /// (<see cref="DBNull"/> for a NULL, null for no row). False when the statement cannot run so (the caller runs it
    /// as a command instead).
    /// </summary>
    internal bool TryRun(WriteStatement statement, out object? value)
    {
        value = null;
        if (Statement(statement.Sql) is not { } compiled || compiled.Execute(statement.Parameters) is not { } rows)
        {
            return false;
        }

        using (rows)
        {
            if (statement.ReturnsRows)
            {
                value = rows.Read() ? rows.GetValue(0) : null;
            }
            else
            {
                while (rows.Read())
                {
                }
            }
        }

        return true;
    }

    /// <summary>The compiled statements' runs and recompilations on this connection, summed (see <see cref="SqliteStatement.Counts"/>).</summary>
    internal (int Runs, int Recompiles) StatementCounts
    {
        get
        {
            var (runs, recompiles) = (0, 0);
            foreach (var cached in _recent)
            {
                if (cached.Statement is { } statement)
                {
                    var counts = statement.Counts;
                    (runs, recompiles) = (runs + counts.Runs, recompiles + counts.Recompiles);
                }
            }

            return (runs, recompiles);
        }
    }

    /// <summary>The statement compiled from <paramref name="sql"/> on this connection; null where it cannot run so.</summary>
    private SqliteStatement? Statement(string sql)
    {
        if (!SqliteStatement.Available)
        {
            return null;
        }

        var cached = Cache(sql);
        if (!cached.Compiled)
        {
            cached.Statement = SqliteStatement.Prepare(Connection, sql);
            cached.Compiled = true;
        }

        return cached.Statement;
    }

    private Cached Cache(string sql)
    {
        if (_cached.TryGetValue(sql, out var node))
        {
            if (node != _recent.First)
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
            }

            return node.Value;
        }

        // A statement still being read stays (the cache runs over by one until it is done).
        if (_cached.Count >= MaxCached && _recent.Last is { } oldest && oldest.Value.Statement is not { IsRunning: true })
        {
            _recent.RemoveLast();
            _cached.Remove(oldest.Value.Sql);
            oldest.Value.Dispose();
        }

        var cached = new Cached(sql);
        _cached[sql] = _recent.AddFirst(cached);
        return cached;
    }

    public void Dispose() => _owner.Return(this);

    public override ValueTask DisposeAsync()
    {
        _owner.Return(this);
        return ValueTask.CompletedTask;
    }

    internal void Close()
    {
        foreach (var cached in _recent)
        {
            cached.Dispose();
        }

        _cached.Clear();
        _recent.Clear();
        Connection.Dispose();
    }

    /// <summary>What one SQL text has on this connection: a command, made when asked for, and a statement, compiled when first run.</summary>
    private sealed class Cached(string sql) : IDisposable
    {
        public string Sql { get; } = sql;

        public SqliteCommand? Command { get; set; }

        public SqliteStatement? Statement { get; set; }

        /// <summary>Whether compiling was tried: <see cref="Statement"/> stays null for SQL a statement cannot run.</summary>
        public bool Compiled { get; set; }

        public void Dispose()
        {
            Statement?.Dispose();
            Command?.Dispose();
        }
    }
}
