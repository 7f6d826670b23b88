using System.Threading.Channels;

namespace JsonApiInvites.Persistence;

/// <summary>One SQL statement of a write, with its parameters (values in their stored form, see <see cref="Database.Param(Guid)"/>).</summary>
/// <param name="ReturnsRows">Whether the statement returns rows (a <c>RETURNING</c> clause, a <c>SELECT</c>); its first value is the statement's result.</param>
public sealed record WriteStatement(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters, bool ReturnsRows = false);

/// <summary>A write: statements that commit together or not at all, ordered with the other writes of <paramref name="SerializeBy"/>.</summary>
public sealed record BatchedWrite(IReadOnlyList<WriteStatement> Statements, Guid? SerializeBy);

/// <summary>
/// Group commit. A durable commit costs a flush to disk (about 0.2–0.5 ms on the benchmark machine), and creates of
/// one organization must commit one after another (their list order is their commit order), so committing each
/// create alone caps an organization's creates at a few thousand a second however fast the rest is. Writes queued
/// here while a commit is in flight go to the database together, in one transaction, and every caller is answered
/// only once it is durable. A write that must fail on its own (a duplicate) is written not to raise an error
/// (<c>ON CONFLICT DO NOTHING</c>, its result says so); if a batch fails anyway, its writes are run again one by one,
/// so each reports its own outcome. A write must therefore be safe to run twice: a failure can be ambiguous (the
/// connection lost after the database committed), so the rerun may find its own first run committed.
/// </summary>
/// <remarks>
/// What differs per database is the <see cref="Provider"/>: SQLite runs the statements one after another on its
/// single writer; PostgreSQL sends a whole batch, with the ordering locks of its keys, in one round trip.
/// </remarks>
public sealed class WriteBatcher : IAsyncDisposable
{
    private readonly Provider _provider;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public WriteBatcher(Provider provider)
    {
        _provider = provider;
        _loop = Task.Run(ProcessQueueAsync);
    }

    /// <summary>How a database commits a batch.</summary>
    public abstract class Provider
    {
        /// <summary>The most writes one transaction takes.</summary>
        public virtual int MaxBatch => 64;

        /// <summary>
        /// Runs <paramref name="writes"/> in one transaction, as the only writer of each of <paramref name="keys"/>
        /// until it commits (locked in one fixed order, so that batches never deadlock), and commits it; returns, per write, the first value of each of its
        /// statements that returns rows (null when it returned none). Throws, with nothing committed, when any
        /// statement fails.
        /// </summary>
        public abstract Task<object?[][]> CommitAsync(IReadOnlyList<BatchedWrite> writes, IReadOnlyList<Guid> keys);
    }

    private sealed record Item(BatchedWrite Write, TaskCompletionSource<object?[]> Done, CancellationToken Cancellation);

    /// <summary>
    /// Commits <paramref name="write"/> with the other queued writes; returns the first value of each of its
    /// statements that returns rows, once the write is durable.
    /// </summary>
    public async Task<object?[]> RunAsync(BatchedWrite write, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<object?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Item(write, done, cancellationToken), cancellationToken);
        return await done.Task;
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
        try
        {
            var results = await _provider.CommitAsync([.. batch.Select(i => i.Write)], KeysOf(batch));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception exception)
        {
            if (batch.Count == 1)
            {
                batch[0].Done.TrySetException(exception);
                return;
            }

            // Nothing was committed. Alone, each write succeeds or fails on its own account.
            foreach (var item in batch)
            {
                await CommitAsync([item]);
            }
        }
    }

    private static List<Guid> KeysOf(List<Item> batch) =>
        [.. batch.Where(i => i.Write.SerializeBy is not null).Select(i => i.Write.SerializeBy!.Value).Distinct()];
}
