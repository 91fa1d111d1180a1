import Fluent
import Vapor

extension Application {
    /// Every migration in order; shipped ones are never edited, only followed by new folders.
    func registerMigrations() {
        migrations.add(CreateTeams())
        migrations.add(CreateUsers())
        migrations.add(CreateTeamChanges())
        migrations.add(CreateAPITokens())
        migrations.add(SessionRecord.migration)
        migrations.add(CreateDatasets())
        migrations.add(CreateMembership())
        migrations.add(AddTwoFactor())
        migrations.add(CreateAuditLog())
        migrations.add(CreateSharedItems())
        migrations.add(CreateArtifacts())
        migrations.add(CreateMail())
        migrations.add(CreateSignedInSessions())
        migrations.add(AddSecondFactorDates())
        migrations.add(WithholdPrivateOfferText())
        migrations.add(CreateConstituencyClaims())
        migrations.add(CreateRetiredSigningKeys())
        migrations.add(CreatePendingApplications())
        migrations.add(IndexItemReaders())
        migrations.add(CreateDataVersions())
        migrations.add(IndexListKeysets())
        migrations.add(CreateSharedServerState())
        migrations.add(AddItemCorrections())
        migrations.add(IndexNamesForSuggestions())
        migrations.add(KeepDatasetHistory())
        migrations.add(IndexItemReadersByMember())
        migrations.add(CreateSIGs())
        migrations.add(CreateEvents())
        migrations.add(IndexItemsForMachineReaders())
        migrations.add(CreateAbuseHandling())
        migrations.add(CreateAbuseMonitoring())
        migrations.add(CreateSIM3Profiles())
        migrations.add(CreateReachabilityTests())
    }
}
