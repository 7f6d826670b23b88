namespace JsonApiInvites.Api.Configuration;

/// <summary>
/// The settings files (<c>appsettings*.json</c>) are reloaded when they change, as ASP.NET Core does by default, but
/// watched by polling (PhysicalFileProvider's own: a look at each file every 4 s) rather than by an inotify watch on
/// the whole content root, subfolders included. The content root is the working directory, which by default also holds
/// <c>data/</c>: every write to the database, its WAL and the pickup folder woke the watcher's thread, which had to read
/// the event and discard it (about 13 % of the CPU time of creates, measured). An operator's own
/// <c>DOTNET_USE_POLLING_FILE_WATCHER</c> is left as set.
/// </summary>
public static class SettingsFileWatching
{
    public const string Variable = "DOTNET_USE_POLLING_FILE_WATCHER";

    /// <summary>Before the host is built: the file providers read the variable when they are made.</summary>
    public static void UsePolling()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "true");
        }
    }
}
