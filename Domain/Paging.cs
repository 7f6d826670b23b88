namespace JsonApiInvites.Domain;

/// <summary>A position in the (created_at, id) order of an organization's invitations or members.</summary>
public readonly record struct ListPosition(DateTimeOffset CreatedAt, Guid Id);

/// <summary>A keyset page request: at most one of the two positions is set.</summary>
public sealed record PageRequest(int Limit, ListPosition? StartingAfter, ListPosition? EndingBefore);

/// <summary>One page, oldest first, and whether there is anything before or after it.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool HasPrevious, bool HasNext);
