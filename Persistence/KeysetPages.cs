using System.Data.Common;
using JsonApiInvites.Domain;

namespace JsonApiInvites.Persistence;

/// <summary>
/// Keyset pagination (SPEC §6) over a table ordered by (created_at, id) within an organization: never OFFSET, so a
/// page deep in a million rows costs what the first one does, and a walk from page to page visits each row once.
/// </summary>
internal static class KeysetPages
{
    /// <param name="select">The SELECT ... FROM of the rows, read by <paramref name="read"/>.</param>
    /// <param name="table">The table, for the query that asks whether anything lies on the cursor's other side.</param>
    /// <param name="where">The filter (fixed SQL, every value in <paramref name="parameters"/>).</param>
    public static async Task<Page<T>> ReadAsync<T>(
        Database db,
        string select,
        string table,
        string where,
        List<(string Name, object Value)> parameters,
        PageRequest page,
        Func<DbDataReader, T> read,
        CancellationToken cancellationToken)
    {
        var backward = page.EndingBefore is not null;
        var cursor = page.EndingBefore ?? page.StartingAfter;
        if (cursor is { } c)
        {
            parameters.Add(("@CursorTime", db.Param(c.CreatedAt)));
            parameters.Add(("@CursorId", db.Param(c.Id)));
        }

        var seek = cursor is null ? string.Empty : backward ? " AND (created_at, id) < (@CursorTime, @CursorId)" : " AND (created_at, id) > (@CursorTime, @CursorId)";
        var order = backward ? "created_at DESC, id DESC" : "created_at, id";

        await using var session = await db.ReadAsync(cancellationToken);
        var items = new List<T>(page.Limit + 1);
        var command = Bind(session.Command($"{select} WHERE {where}{seek} ORDER BY {order} LIMIT {Sql.Limit(page.Limit + 1)}"), parameters);
        await using (var reader = await session.ExecuteReaderAsync(command, cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(read(reader));
            }
        }

        var more = items.Count > page.Limit;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        if (backward)
        {
            items.Reverse();
        }

        // Whether anything lies on the cursor's other side (the cursor row itself may have been filtered out).
        var beyondCursor = false;
        if (cursor is not null)
        {
            // Ordered, so that the planner walks the organization's index from the near end (unordered, PostgreSQL may
            // scan the whole table for one row of a small organization).
            var opposite = backward
                ? "(created_at, id) >= (@CursorTime, @CursorId) ORDER BY created_at DESC, id DESC"
                : "(created_at, id) <= (@CursorTime, @CursorId) ORDER BY created_at, id";
            var exists = Bind(session.Command($"SELECT 1 FROM {table} WHERE {where} AND {opposite} LIMIT 1"), parameters);
            await using var reader = await session.ExecuteReaderAsync(exists, cancellationToken);
            beyondCursor = await reader.ReadAsync(cancellationToken);
        }

        return backward
            ? new Page<T>(items, HasPrevious: more, HasNext: beyondCursor)
            : new Page<T>(items, HasPrevious: beyondCursor, HasNext: more);
    }

    public static DbCommand Bind(DbCommand command, List<(string Name, object Value)> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return command;
    }
}
