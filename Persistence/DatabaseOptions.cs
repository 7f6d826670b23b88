namespace JsonApiInvites.Persistence;

/// <summary><c>Database:Provider</c> and <c>ConnectionStrings:Invites</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "Invites";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string DefaultSqliteConnectionString = "Data Source=data/invites.db";

    /// <summary><c>sqlite</c> (the default: one embedded file) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>From <c>ConnectionStrings:Invites</c>; SQLite defaults to the file <c>data/invites.db</c>.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>A configuration the database cannot start with; its message names the key and what it may be.</summary>
public sealed class DatabaseConfigurationException(string message) : Exception(message);
