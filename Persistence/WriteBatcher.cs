using System.Data.Common;
using System.Threading.Channels;

namespace JsonApiInvites.Persistence;

/// <summary>
/// Group commit. A durable commit costs a flush to disk (about 0.2–0.5 ms on the benchmark machine), and creates of
/// one organization must commit one after another (their list order is their commit order), so committing each
/// create alone caps an organization's creates at a few thousand a second however fast the rest is. Writes queued
/// here while a commit is in flight run together in one transaction, each inside its own savepoint: a write that
/// fails (a duplicate, say) is rolled back alone and reports its own exception, the others commit together, and
/// every caller is answered only after the commit is durable.
/// </summary>
/// <remarks>
/// What differs per database is in <see cref="BatchTransaction"/>: how a batch opens, how it takes the ordering
/// locks of its writes (keys are locked in ascending order, so two batches, on two servers, never deadlock), and how
/// savepoints are handled.
/// </remarks>
public sealed class WriteBatcher : IAsyncDisposable
{
    private readonly BatchTransaction _provider;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public WriteBatcher(BatchTransaction provider)
    {
        _provider = provider;
        _loop = Task.Run(ProcessQueueAsync);
    }

    /// <summary>What a provider does around the writes of a batch.</summary>
    public abstract class BatchTransaction
    {
        /// <summary>The most writes one transaction takes.</summary>
        public virtual int MaxBatch => 64;

        public abstract ValueTask<Session> OpenAsync();

        /// <summary>Makes the batch the only writer of each key (in ascending order) until it commits; nothing where writes are serialized already.</summary>
        public abstract Task LockAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Guid> keys);

        public abstract Task SaveAsync(DbTransaction transaction, string savepoint);

        public abstract Task ReleaseAsync(DbTransaction transaction, string savepoint);

        /// <summary>Undoes a failed write; throws when the database has rolled back the whole transaction.</summary>
        public abstract Task RollbackAsync(DbTransaction transaction, string savepoint);
    }

    private sealed record Item(Database.Write Work, Guid? Key, TaskCompletionSource Done, CancellationToken Cancellation);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction shared with other queued writes; completes once it is committed.
    /// Writes with the same <paramref name="key"/> commit in the order they ran, on every server.
    /// </summary>
    public async Task RunAsync(Database.Write work, CancellationToken cancellationToken, Guid? key = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Item(work, key, done, cancellationToken), cancellationToken);
        await done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task ProcessQueueAsync()
    {
        var batch = new List<Item>(_provider.MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _provider.MaxBatch && _queue.Reader.TryRead(out var item))
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

    private async Task CommitAsync(List<Item> batch)
    {
        var failures = new Exception?[batch.Count];
        try
        {
            await using var session = await _provider.OpenAsync();
            var connection = session.Connection;
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            var write = new WriteContext(session, transaction);
            var keys = batch.Where(i => i.Key is not null).Select(i => i.Key!.Value).Distinct().Order().ToList();
            if (keys.Count > 0)
            {
                await _provider.LockAsync(connection, transaction, keys);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                var savepoint = "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await _provider.SaveAsync(transaction, savepoint);
                try
                {
                    await batch[i].Work(write, CancellationToken.None);
                    await _provider.ReleaseAsync(transaction, savepoint);
                }
                catch (Exception exception)
                {
                    try
                    {
                        await _provider.RollbackAsync(transaction, savepoint);
                    }
                    catch (DbException)
                    {
                        // The database rolled back the whole transaction (disk full, I/O error, a lost connection): the
                        // batch fails with the cause.
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
            foreach (var item in batch)
            {
                item.Done.TrySetException(exception);
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
