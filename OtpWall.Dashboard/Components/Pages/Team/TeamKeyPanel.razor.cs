namespace OtpWall.Dashboard.Components.Pages.Team;

public partial class TeamKeyPanel
{
    [LoggerMessage(LogLevel.Error, "Changing the team key failed unexpectedly")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
