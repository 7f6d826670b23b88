using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace JsonApiInvites.Persistence.Sqlite;

/// <summary>
/// Group commit for SQLite. SQLite has one writer at a time and a durable commit costs an fsync (about 0.5 ms on the
/// benchmark machine), so committing each write alone caps writes at roughly 2,000 a second however fast the rest is.
/// Writes queued here while a commit is in flight are run together in one transaction, each inside its own
/// savepoint: a write that fails (a duplicate, say) is rolled back alone and reports its own exception, the others
/// commit together, and every caller is answered only after the commit is durable.
/// </summary>
public sealed class WriteBatcher : IAsyncDisposable
{
    private const int MaxBatch = 64;
    private readonly SqliteConnectionPool _connections;
    private readonly Channel<(Database.Write Work, TaskCompletionSource Done, CancellationToken Cancellation)> _queue =
        Channel.CreateUnbounded<(Database.Write, TaskCompletionSource, CancellationToken)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public WriteBatcher(SqliteConnectionPool connections)
    {
        _connections = connections;
        _loop = Task.Run(ProcessQueueAsync);
    }

    /// <summary>Runs <paramref name="work"/> in a transaction shared with other queued writes; completes once it is committed.</summary>
    public async Task RunAsync(Database.Write work, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((work, done, cancellationToken), cancellationToken);
        await done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task ProcessQueueAsync()
    {
        var batch = new List<(Database.Write Work, TaskCompletionSource Done, CancellationToken Cancellation)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                if (item.Cancellation.IsCancellationRequested)
                {
                    item.Done.TrySetCanceled(item.Cancellation);
                    continue;
                }

                batch.Add(item);
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }
        }
    }

    private async Task CommitAsync(List<(Database.Write Work, TaskCompletionSource Done, CancellationToken Cancellation)> batch)
    {
        var failures = new Exception?[batch.Count];
        try
        {
            await using var connection = _connections.Open();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                var savepoint = "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                transaction.Save(savepoint);
                try
                {
                    await batch[i].Work(connection, transaction, CancellationToken.None);
                    transaction.Release(savepoint);
                }
                catch (Exception exception)
                {
                    try
                    {
                        transaction.Rollback(savepoint);
                        transaction.Release(savepoint);
                    }
                    catch (SqliteException)
                    {
                        // SQLite rolled back the whole transaction (disk full, I/O error): the batch fails with the cause.
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
                    }

                    failures[i] = exception;
                }
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception exception)
        {
            // Nothing was committed: every write of the batch fails with the cause.
            foreach (var (_, done, _) in batch)
            {
                done.TrySetException(exception);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                batch[i].Done.TrySetException(failure);
            }
            else
            {
                batch[i].Done.TrySetResult();
            }
        }
    }
}
