namespace JsonApiInvites.Domain.Organizations;

public sealed record Organization(Guid Id, string Name, string Slug, DateTimeOffset CreatedAt);
