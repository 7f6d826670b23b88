using Microsoft.Data.Sqlite;

namespace JsonApiInvites.Persistence.Sqlite;

/// <summary>
/// Copies the WAL back into the database file in the background, shortly after writes, with PASSIVE checkpoints (they
/// never wait for readers and never hold up the writer). By default SQLite runs the checkpoint inside the commit that
/// takes the WAL past 1,000 pages: the copy and its fsync of the database file then ran inside a group commit, which
/// every create queued behind it waited for (14 % of the CPU time of creates, all of it on their path). The writer
/// keeps its own automatic checkpoint as a safety net, at <see cref="WriterCheckpointPages"/>, should this one fall
/// behind or fail.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>The writer's own automatic checkpoint threshold, in pages (about 40 MB of WAL with 4 KiB pages).</summary>
    public const int WriterCheckpointPages = 10_000;

    /// <summary>How long after a write the checkpoint runs: the writes of that time are copied together.</summary>
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);

    private readonly SqliteConnectionPool _connections;
    private readonly SemaphoreSlim _written = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private SqliteConnection? _connection;
    private int _checkpoints;

    public WalCheckpointer(SqliteConnectionPool connections)
    {
        _connections = connections;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How many checkpoints ran.</summary>
    public int Checkpoints => Volatile.Read(ref _checkpoints);

    /// <summary>Something was committed: a checkpoint runs soon.</summary>
    public void Written()
    {
        if (_written.CurrentCount == 0)
        {
            try
            {
                _written.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit signalled at the same time: one checkpoint covers both.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.GetAwaiter().GetResult();
        _connection?.Dispose();
        _stop.Dispose();
        _written.Dispose();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await _written.WaitAsync(_stop.Token);
                await Task.Delay(Delay, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                _connection ??= _connections.Open();
                using var command = _connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                command.ExecuteNonQuery();
                Interlocked.Increment(ref _checkpoints);
            }
            catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
            {
                // The next write tries again on a new connection; meanwhile the writer's own threshold bounds the WAL.
                _connection?.Dispose();
                _connection = null;
            }
        }
    }
}
