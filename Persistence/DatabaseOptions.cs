namespace JsonApiInvites.Persistence;

public sealed record DatabaseOptions
{
    public const string DefaultConnectionString = "Data Source=data/invites.db";

    public required string ConnectionString { get; init; }
}
