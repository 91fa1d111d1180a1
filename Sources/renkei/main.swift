import Foundation
import RenkeiServer

exit(await Renkei.main())
